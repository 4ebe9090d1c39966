"""Golden cases: `golden/<site>/<case>.<txt|html|html.gz>` with `<case>.expected.txt/.json`.

Discovered here once, used by the pytest suite and by `cleaner rules check/test`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import Cleaner
from .inputs import decode_bytes, input_kind, read_bytes
from .model import CleanResult

EXPECTED_TEXT = ".expected.txt"
EXPECTED_JSON = ".expected.json"
OPTIONS = ".options.json"  # optional: {"url": ..., "site": ...} given to the cleaner
INPUT_SUFFIXES = (".txt", ".html", ".htm", ".html.gz")
_AUX = (EXPECTED_TEXT, EXPECTED_JSON, OPTIONS)


@dataclass(frozen=True, slots=True)
class GoldenCase:
    """One input file and where its expected outputs live."""

    site: str
    name: str
    input_path: Path

    @property
    def id(self) -> str:
        return f"{self.site}/{self.input_path.name}"

    @property
    def stem(self) -> Path:
        name = self.input_path.name
        for suffix in INPUT_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        return self.input_path.with_name(name)

    @property
    def expected_text(self) -> Path:
        return self.stem.with_name(self.stem.name + self._tag + EXPECTED_TEXT)

    @property
    def expected_json(self) -> Path:
        return self.stem.with_name(self.stem.name + self._tag + EXPECTED_JSON)

    @property
    def _tag(self) -> str:
        # An HTML case may sit next to a text case of the same name: keep their outputs apart.
        return "" if input_kind(str(self.input_path)) == "text" else ".html"

    def options(self) -> dict[str, Any]:
        path = self.stem.with_name(self.stem.name + OPTIONS)
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _is_input(path: Path) -> bool:
    name = path.name
    return not name.endswith(_AUX) and name.endswith(INPUT_SUFFIXES) and not name.startswith(".")


def discover(root: Path) -> list[GoldenCase]:
    """Every golden case under `root`, sorted by site and file name."""
    cases = []
    for site_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(site_dir.iterdir()):
            if path.is_file() and _is_input(path):
                cases.append(GoldenCase(site_dir.name, path.name, path))
    return cases


def orphans(root: Path) -> list[Path]:
    """Expected files whose input is gone: they would silently pin nothing."""
    expected = {c.expected_text for c in discover(root)} | {c.expected_json for c in discover(root)}
    found = []
    for path in sorted(root.rglob("*")):
        if path.name.endswith((EXPECTED_TEXT, EXPECTED_JSON)) and path not in expected:
            found.append(path)
    return found


def run_case(cleaner: Cleaner, case: GoldenCase) -> CleanResult:
    """Clean a case's input the way the CLI would (no site hint unless the case names one)."""
    options = case.options()
    data = read_bytes(str(case.input_path))
    if input_kind(str(case.input_path)) == "html":
        return cleaner.clean_html(data, url=options.get("url"), site=options.get("site"))
    return cleaner.clean(decode_bytes(data).text, url=options.get("url"), site=options.get("site"))


def summary(result: CleanResult) -> dict[str, Any]:
    """What a case pins besides the text: site, language, metadata, removals, notes, warning
    codes."""
    return {
        "site": result.site,
        "site_source": result.site_source,
        "language": result.language,
        "metadata": result.metadata.to_dict(),
        "removed": [{"line": r.line, "rule": r.rule, "kind": r.kind} for r in result.removed],
        "noted": [{"line": n.line, "rule": n.rule, "kind": n.kind} for n in result.noted],
        "warnings": sorted(w.code for w in result.warnings),
    }


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def diff(expected: str, actual: str, name: str) -> str:
    """A unified diff from the expected file to the actual output."""
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{name} (expected)",
            tofile=f"{name} (actual)",
        )
    )


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """The result of checking one case: empty `problems` means it passed."""

    case: GoldenCase
    result: CleanResult
    problems: tuple[str, ...]


def check_case(cleaner: Cleaner, case: GoldenCase) -> CaseOutcome:
    """Compare a case's output with its expected files; each problem carries a diff."""
    result = run_case(cleaner, case)
    problems = []
    for path, actual in (
        (case.expected_text, result.text),
        (case.expected_json, dump_json(summary(result))),
    ):
        if not path.exists():
            problems.append(
                f"missing expected file {path} (write it with `cleaner rules test --update`)"
            )
        elif (expected := path.read_text(encoding="utf-8")) != actual:
            problems.append(diff(expected, actual, str(path)))
    return CaseOutcome(case, result, tuple(problems))
