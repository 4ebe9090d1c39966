"""Build step: compile the modules every document goes through with mypyc, when this machine can.

Everything else about the package is in pyproject.toml. The modules listed in COMPILED are
ordinary typed Python; mypyc turns them into C extensions, about 1.2-1.3 times as fast on a batch
(benchmarks/README.md). Without a C compiler or Python's headers, with CLEANER_PURE_PYTHON=1,
for an editable install (which runs the sources as they are), or when a compilation step
fails, the package installs as pure Python and behaves the same. `cleaner --version` says
which build is installed.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The path every document takes: segmenting, the line screen, rule matching, the detectors,
# the engine; and the steps around them: the site, the language, the dates, the result's
# assembly. Not the public API (core.py's Cleaner, model.py's records): a compiled class
# cannot be subclassed, pickles no frozen record, checks argument types with a TypeError of
# its own and loses its docstrings for help(); a pipeline needs all of these.
COMPILED = [
    "cleaner/normalize.py",
    "cleaner/text.py",
    "cleaner/prefilter.py",
    "cleaner/actions.py",
    "cleaner/detectors.py",
    "cleaner/repeats.py",
    "cleaner/engine.py",
    "cleaner/assemble.py",
    "cleaner/sites.py",
    "cleaner/language.py",
    "cleaner/dates.py",
]


def why_pure() -> str | None:
    """Why this build cannot or should not compile, or None when this machine can."""
    if os.environ.get("CLEANER_PURE_PYTHON", "") not in ("", "0"):
        return "CLEANER_PURE_PYTHON is set"
    if {"editable_wheel", "develop"} & set(sys.argv):
        return "an editable install runs the sources as they are"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "no Python headers (Python.h)"
    return None


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python when compiling fails (the .py files are
    installed either way): it removes whatever it built, so no half-compiled set remains."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # a compiler error, a missing library: any of them
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            print(f"cleaner: compiling failed ({exc}); installing pure Python", file=sys.stderr)


def extensions(build_dir: Path) -> list[Any]:
    """mypyc's extensions of COMPILED (generated C in `build_dir`), or none for pure Python."""
    reason = why_pure()
    if reason is None:
        try:
            from mypyc.build import mypycify  # pyproject's build requirements bring it

            # The mypy settings of pyproject.toml apply; type errors stop compilation here.
            return mypycify(COMPILED, opt_level="3", target_dir=str(build_dir / "mypyc"))
        except ImportError:
            reason = "mypyc is not installed"
        except (Exception, SystemExit) as exc:
            reason = f"mypyc could not compile them ({exc})"
    print(f"cleaner: installing pure Python: {reason}", file=sys.stderr)
    return []


if __name__ == "__main__":  # as setuptools runs it (tests import it for why_pure)
    # A fresh build folder each time: setuptools' own ./build keeps what earlier builds made,
    # and would ship extensions of modules no longer compiled into a pure Python wheel.
    build_dir = Path(tempfile.mkdtemp(prefix="cleaner-build-"))
    atexit.register(shutil.rmtree, build_dir, ignore_errors=True)
    setup(
        ext_modules=extensions(build_dir),
        cmdclass={"build_ext": OptionalBuildExt},
        options={"build": {"build_base": str(build_dir)}},
    )
