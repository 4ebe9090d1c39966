"""The `cleaner` command line. Each command lives in its own module in cleaner/commands/."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence

from . import COMPILED, __version__
from .commands import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    clean,
    explain,
    report,
    rules_check,
    rules_new,
    rules_suggest,
    rules_test,
)
from .outputs import silence_stdout
from .rules import RuleError

EXIT_OK, EXIT_USAGE = 0, 2
BUILD = "compiled with mypyc" if COMPILED else "pure Python"
# Each module adds its commands with `register(commands, rule_commands)`.
COMMAND_MODULES = (clean, rules_check, report, explain, rules_new, rules_test, rules_suggest)


def _help(parser: argparse.ArgumentParser, _args: argparse.Namespace) -> int:
    """`cleaner rules` without a subcommand: its help, and the usage exit code."""
    parser.print_help()
    return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Remove site furniture from scraped news articles, and say what was removed.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__} ({BUILD})")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    rules = commands.add_parser("rules", help="work with rule files")
    rule_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    rules.set_defaults(func=functools.partial(_help, rules))
    for module in COMMAND_MODULES:
        module.register(commands, rule_commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except RuleError as exc:
        print(f"cleaner: rule error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of standard output left (`| head`): stop quietly
        silence_stdout()
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
