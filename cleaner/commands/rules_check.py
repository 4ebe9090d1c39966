"""`cleaner rules check`: validate rule files and report rules no golden case exercises."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core import Cleaner, CleanError
from ..golden import check_case, discover
from ..inputs import InputError

EXIT_OK, EXIT_DOC_ERRORS = 0, 1

Subparsers = argparse._SubParsersAction  # what add_subparsers() returns


def cmd_rules_check(args: argparse.Namespace) -> int:
    """Validate rule files and list the rules no golden case exercises."""
    cleaner = Cleaner(args.dirs)  # raises RuleError on the first problem
    files = cleaner.rule_files
    print(
        f"ok: {len(files)} rule file(s), {sum(len(f.rules) for f in files.values())} rule(s) valid"
    )
    golden = Path(args.golden)
    if not golden.is_dir():
        print(f"note: no golden folder at {golden}; cannot report unexercised rules")
        return EXIT_OK
    fired: set[str] = set()
    for case in discover(golden):
        try:
            fired.update(r.rule for r in check_case(cleaner, case).result.removed)
        except (InputError, CleanError) as exc:
            print(f"error: {case.id}: {exc}")
    unexercised = [r for f in files.values() for r in f.rules if r.id not in fired]
    for rule in unexercised:
        print(f"warning: no golden case exercises rule {rule.id} ({rule.source})")
    if not unexercised:
        print("ok: every rule is exercised by a golden case")
    return EXIT_DOC_ERRORS if unexercised and args.strict else EXIT_OK


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner rules check` to the command line."""
    check = rule_commands.add_parser(
        "check", help="validate rule files; list rules no golden case exercises"
    )
    check.add_argument(
        "dirs", nargs="*", metavar="DIR", help="extra rule folders to check with the built-ins"
    )
    check.add_argument("--golden", default="golden", help="golden cases folder (default: ./golden)")
    check.add_argument("--strict", action="store_true", help="exit 1 when a rule is not exercised")
    check.set_defaults(func=cmd_rules_check)
