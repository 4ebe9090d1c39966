"""The installed package is complete: every subpackage and the built-in rules ship."""

from __future__ import annotations

import tomllib
from pathlib import Path

from cleaner.rules import builtin_rules_dir

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "cleaner").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"


def test_builtin_rules_are_found():
    names = {p.name for p in builtin_rules_dir().glob("*.yaml")}
    assert "_generic.yaml" in names and "dawn.com.yaml" in names
