"""Files an attacker uploads, for the tests of more than one feature."""


def entity_bomb(encoding: str, levels: int = 4) -> bytes:
    """An SVG under 1 KB whose nested entities expand to 10**levels words of text."""
    entities = '<!ENTITY a0 "Anerkennung ">' + "".join(
        f'<!ENTITY a{level} "{f"&a{level - 1};" * 10}">' for level in range(1, levels + 1)
    )
    return (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?><!DOCTYPE svg [{entities}]>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="0" y="20">&a{levels};</text></svg>'
    ).encode(encoding)


def use_bomb(levels: int = 6) -> bytes:
    """No declaration at all: each group draws the one before ten times, 10**levels shapes in 1 KB."""
    groups = '<g id="g0"><rect width="1" height="1"/></g>' + "".join(
        f'<g id="g{level}">' + f'<use href="#g{level - 1}"/>' * 10 + "</g>" for level in range(1, levels + 1)
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{groups}</defs><use href="#g{levels}"/></svg>'.encode()
