"""`cleaner rules test`: run golden cases (one site's, or all) with diffs, without pytest."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core import Cleaner, CleanError
from ..golden import check_case, discover, dump_json, orphans, summary
from ..inputs import InputError
from . import given_folder, note_replaced_rules

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_RULES_DIR = "rules"
_GREEN, _RED, _CYAN, _RESET = "\033[32m", "\033[31m", "\033[36m", "\033[0m"


def rule_dirs(rules_dir: str | None) -> list[str]:
    """The project's rule folder, loaded over the built-ins so an uninstalled edit counts."""
    if rules_dir is None:
        return [DEFAULT_RULES_DIR] if Path(DEFAULT_RULES_DIR).is_dir() else []
    return [rules_dir]


def _paint_diff(text: str, color: bool) -> str:
    if not color:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(line)
        elif line.startswith("+"):
            out.append(_GREEN + line.rstrip("\n") + _RESET + "\n")
        elif line.startswith("-"):
            out.append(_RED + line.rstrip("\n") + _RESET + "\n")
        elif line.startswith("@@"):
            out.append(_CYAN + line.rstrip("\n") + _RESET + "\n")
        else:
            out.append(line)
    return "".join(out)


def cmd_rules_test(args: argparse.Namespace) -> int:
    """Check each golden case against its expected files; exit 1 when one differs."""
    golden = Path(args.golden)
    if not golden.is_dir():
        print(f"cleaner: no golden folder at {golden}", file=sys.stderr)
        return EXIT_USAGE
    cleaner = Cleaner(rule_dirs(args.rules_dir))
    note_replaced_rules(cleaner)
    cases = discover(golden)
    if args.site:
        cases = [c for c in cases if c.site == args.site]
        if not cases:
            print(f"cleaner: no golden cases for site {args.site!r} in {golden}", file=sys.stderr)
            return EXIT_USAGE
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    passed = failed = 0
    for case in cases:
        try:
            outcome = check_case(cleaner, case)
        except (InputError, CleanError) as exc:
            failed += 1
            print(f"FAIL {case.id}: {exc}")
            continue
        if not outcome.problems:
            passed += 1
            print(f"ok   {case.id}")
            continue
        failed += 1
        print(f"FAIL {case.id}")
        for problem in outcome.problems:
            print(_paint_diff(problem, color), end="" if problem.endswith("\n") else "\n")
        if args.update and outcome.result is not None:
            new = not (case.expected_text.exists() and case.expected_json.exists())
            case.expected_text.write_text(outcome.result.text, encoding="utf-8")
            case.expected_json.write_text(dump_json(summary(outcome.result)), encoding="utf-8")
            if new:
                print(
                    f"     wrote the expected files of {case.id}: read {case.expected_text.name} "
                    "and its .json before you commit them, as they pin this output"
                )
            else:
                print(f"     updated the expected files of {case.id}: review the diff above")
    stray = [] if args.site else orphans(golden)
    for path in stray:
        failed += 1
        print(f"FAIL {path}: expected file without an input file")
    print(f"{passed} passed, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner rules test` to the command line."""
    test = rule_commands.add_parser(
        "test", help="run the golden cases of one site (or all) and show diffs"
    )
    test.add_argument("site", nargs="?", metavar="SITE", help="only this site's cases")
    test.add_argument("--golden", default="golden", help="golden cases folder (default: ./golden)")
    test.add_argument(
        "--rules",
        "--rules-dir",
        dest="rules_dir",
        type=given_folder,
        default=None,
        metavar="DIR",
        help="rule folder loaded over the built-ins (default: ./rules when it exists)",
    )
    test.add_argument(
        "--update",
        action="store_true",
        help="rewrite the expected files of failing cases from the current output (exit 1 once)",
    )
    test.set_defaults(func=cmd_rules_test)
