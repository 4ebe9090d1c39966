"""Shared fixtures and the --update-golden option."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden expected files from the current output (prints the diff, fails once)",
    )


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()
