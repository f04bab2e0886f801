"""Dependencies point one way: the layers contract in pyproject.toml holds for every import, also those inside
functions."""

import logging
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_no_feature_package_reaches_up_or_sideways():
    enabled = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.disabled
    ]
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
    finally:  # import-linter configures logging so that every logger there was is disabled: later tests read logs
        for logger in enabled:
            logger.disabled = False


# What only a request has: the modules that answer requests (views, their helpers in web.py, the CLI, the site's
# request handling) may use it; the rules of a feature are callable without HTTP, take the acting user as an
# argument and raise their own errors, which the views translate.
REQUEST_BOUND = {"flask": {"abort", "request", "session", "g"}, "flask_login": {"current_user"}}
ANSWER_REQUESTS = {"routes.py", "manage.py", "web.py", "log.py", "commands.py", "forms.py", "__init__.py"}


def test_the_rules_of_every_feature_use_nothing_only_a_request_has():
    import ast

    offenders = []
    for module in sorted((ROOT / "conference").rglob("*.py")):
        if module.name in ANSWER_REQUESTS or module.parent.name in ("site", "demo") or module.name == "access.py":
            continue
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in REQUEST_BOUND:
                offenders += [
                    f"{module.relative_to(ROOT)}: {alias.name}"
                    for alias in node.names
                    if alias.name in REQUEST_BOUND[node.module]
                ]
    assert offenders == []
