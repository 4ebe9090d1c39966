"""The installed package is complete: every subpackage and the built-in rules ship."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import cleaner
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


def _setup_module():
    """setup.py as a module (its setup() call runs only as a script)."""
    spec = importlib.util.spec_from_file_location("cleaner_setup", ROOT / "setup.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_compiled_module_exists():
    for path in _setup_module().COMPILED:
        assert (ROOT / path).is_file(), path


def test_the_build_says_why_it_stays_pure_python(monkeypatch):
    setup = _setup_module()
    monkeypatch.setenv("CLEANER_PURE_PYTHON", "1")
    assert setup.why_pure() == "CLEANER_PURE_PYTHON is set"
    monkeypatch.delenv("CLEANER_PURE_PYTHON")
    monkeypatch.setattr(sys, "argv", ["setup.py", "editable_wheel", "--dist-info-dir", "x"])
    assert "editable" in setup.why_pure()
    monkeypatch.setattr(sys, "argv", ["setup.py", "bdist_wheel"])
    monkeypatch.setattr(setup.shutil, "which", lambda name: None)
    assert setup.why_pure().startswith("no C compiler")


def test_an_installed_build_is_compiled_where_it_can_be(tmp_path):
    """CI installs the package (not editable) on a machine with a compiler: the tests must run
    the compiled modules, or a silent fallback to pure Python would leave them untested."""
    installed = Path(cleaner.__file__).resolve().parent != ROOT / "cleaner"  # not the checkout
    reason = _setup_module().why_pure()
    if not installed or reason is not None:
        pytest.skip("tests run the sources, or this machine builds pure Python: " + str(reason))
    assert cleaner.COMPILED, "the installed cleaner is pure Python; the build fell back"
    assert (
        "compiled with mypyc"
        in subprocess.run(
            [sys.executable, "-m", "cleaner.cli", "--version"],
            capture_output=True,
            text=True,
            cwd=tmp_path,  # not the checkout, whose sources `-m` would find first
        ).stdout
    )


_GOLDEN_RUN = """
import json, sys
from pathlib import Path
import cleaner
from cleaner.golden import discover, run_case, summary
runner = cleaner.Cleaner()
cases = {}
for case in discover(Path(sys.argv[1])):
    result = run_case(runner, case)
    cases[case.id] = [result.text, summary(result)]
json.dump({"compiled": cleaner.COMPILED, "cases": cases}, sys.stdout)
"""


def _golden_run(cwd: Path, pythonpath: str | None) -> dict:
    """Every golden case's text and summary, cleaned in a fresh process."""
    from conftest import GOLDEN

    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run(
        [sys.executable, "-c", _GOLDEN_RUN, str(GOLDEN)],
        capture_output=True,
        text=True,
        cwd=cwd,  # not the checkout, whose sources would be found first
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_compiled_build_cleans_like_pure_python(tmp_path):
    """A machine without a compiler installs the pure Python modules: every golden case must
    come out the same, byte for byte, from both builds (CI runs the compiled one)."""
    if not cleaner.COMPILED:
        pytest.skip("these tests run pure Python: there is no compiled build to compare")
    compiled = _golden_run(tmp_path, None)
    pure = _golden_run(tmp_path, str(ROOT))  # the checkout's sources, not compiled
    assert (compiled["compiled"], pure["compiled"]) == (True, False)
    assert pure["cases"] == compiled["cases"]


def test_the_package_says_it_is_typed():
    """PEP 561: without py.typed a user's type checker ignores the package's annotations."""
    assert (Path(cleaner.__file__).parent / "py.typed").is_file()
