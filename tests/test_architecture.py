"""Dependencies point one way: the layers contract in pyproject.toml holds for every import, also those inside
functions."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_no_feature_package_reaches_up_or_sideways():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
