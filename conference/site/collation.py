"""Names in the order German readers expect (DIN 5007-1: "Özdemir" with the O, "Çelik" with the C, ß as ss).

The Unicode Collation Algorithm (pyuca, with the Unicode default table) gives each name a sort key; stored
as text of fixed-width hex numbers, it sorts by plain byte order — the same on SQLite and on PostgreSQL
(whose column then uses the "C" collation), without a collation of the database server's own.
"""

from functools import cache

import pyuca
import sqlalchemy as sa

KEY_LENGTH = 1000  # characters: 250 weights, more than any name of 100 letters needs at the first level


@cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # reads the Unicode table once per process (about half a second)


def sort_key(text: str) -> str:
    """The text's collation key as text that sorts in the same order as the key."""
    return "".join(f"{weight:04x}" for weight in _collator().sort_key(text))[:KEY_LENGTH]


# A column holding a sort key: compared byte by byte, also on PostgreSQL.
SortKey = sa.String(KEY_LENGTH).with_variant(sa.String(KEY_LENGTH, collation="C"), "postgresql")
