"""Score the generic rules on the labeled development set (golden/_generic/ by default).

Each case is an input `<name>.txt` and the article a person judged correct,
`<name>.expected.txt`. Lines are compared as multisets after whitespace normalization:

- furniture = input lines that are not in the expected article;
- a removal is correct when the line is furniture (precision = correct / removed,
  recall = correct / furniture, F1 their harmonic mean);
- an article *lost a body line* when some expected line is missing from the output.

Usage: python benchmarks/generic_devset.py [FOLDER ...] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cleaner import Cleaner
from cleaner.normalize import split_lines

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "golden" / "_generic"
EXPECTED = ".expected.txt"


@dataclass(frozen=True, slots=True)
class CaseScore:
    """Line counts of one article."""

    name: str
    furniture: int  # input lines that should go
    removed: int  # input lines the cleaner removed
    correct: int  # removed lines that were furniture
    lost: tuple[str, ...]  # expected lines missing from the output
    left: tuple[str, ...]  # furniture lines left in the output


def score_case(cleaner: Cleaner, path: Path) -> CaseScore:
    """Clean one input and compare its lines with the expected article."""
    text = path.read_text(encoding="utf-8")
    expected_path = path.with_name(path.name.removesuffix(".txt") + EXPECTED)
    given = Counter(line.text for line in split_lines(text))
    expected = Counter(line.text for line in split_lines(expected_path.read_text("utf-8")))
    output = Counter(line.text for line in split_lines(cleaner.clean(text).text))
    kept_body = output & expected
    lost = expected - kept_body
    left = output - kept_body
    furniture = sum(given.values()) - sum(expected.values())
    removed = sum(given.values()) - sum(output.values())
    return CaseScore(
        name=path.name,
        furniture=furniture,
        removed=removed,
        correct=furniture - sum(left.values()),
        lost=tuple(sorted(lost.elements())),
        left=tuple(sorted(left.elements())),
    )


def case_paths(folders: list[Path]) -> list[Path]:
    """Every scored input: `*.txt` files that have an expected article next to them."""
    paths = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            if (
                not path.name.endswith(EXPECTED)
                and path.with_name(path.name.removesuffix(".txt") + EXPECTED).exists()
            ):
                paths.append(path)
    return paths


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def report(scores: list[CaseScore], verbose: bool) -> str:
    """The figures as printed text."""
    removed = sum(s.removed for s in scores)
    furniture = sum(s.furniture for s in scores)
    correct = sum(s.correct for s in scores)
    precision, recall = _ratio(correct, removed), _ratio(correct, furniture)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    lost = [s for s in scores if s.lost]
    out = []
    if verbose:
        for s in scores:
            for line in s.lost:
                out.append(f"{s.name}: LOST  {line}")
            for line in s.left:
                out.append(f"{s.name}: LEFT  {line}")
    out += [
        f"articles:   {len(scores)}",
        f"furniture lines: {furniture}, removed: {removed}, correctly removed: {correct}",
        f"precision:  {precision:.4f}",
        f"recall:     {recall:.4f}",
        f"F1:         {f1:.4f}",
        f"articles that lost a body line: {len(lost)} "
        f"({_ratio(len(lost), len(scores)):.1%}); intact: {1 - _ratio(len(lost), len(scores)):.1%}",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[DEFAULT_FOLDER])
    parser.add_argument("--verbose", "-v", action="store_true", help="list lost and left lines")
    args = parser.parse_args(argv)
    cleaner = Cleaner()
    paths = case_paths(args.folders)
    if not paths:
        print("no cases found", file=sys.stderr)
        return 1
    sys.stdout.write(report([score_case(cleaner, p) for p in paths], args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
