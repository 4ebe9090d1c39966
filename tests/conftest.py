"""Shared fixtures and the --update-golden option."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from cleaner import Cleaner

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"

# The property tests draw the same examples on every run, so a test run (and CI) passes or
# fails alike each time; `pytest --hypothesis-profile explore` draws new ones to look for
# failures (hypothesis keeps what it finds in .hypothesis/ and replays it first).
settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("fixed")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden expected files from the current output (prints the diff, fails once)",
    )


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()
