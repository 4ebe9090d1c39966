"""The `cleaner` command line. Each command lives in its own module in cleaner/commands/."""

from __future__ import annotations

import argparse
import difflib
import functools
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

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

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
BUILD = "compiled with mypyc" if COMPILED else "pure Python"
# Each module adds its commands with `register(commands, rule_commands)`.
COMMAND_MODULES = (clean, rules_check, report, explain, rules_new, rules_test, rules_suggest)


# How argparse words an invalid choice (of a command, --format...): it offers no hook.
_INVALID_CHOICE = re.compile(r"argument .+: invalid choice: '([^']*)' \(choose from (.*)\)$")


class Parser(argparse.ArgumentParser):
    """argparse taking whole option names only: an abbreviation (`--in-p` for `--in-place`)
    is refused, as a typo is, rather than run. Subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        self.option_names: list[str] = []  # every option's spellings, for `unrecognized`
        self.commands: argparse.Action | None = None  # the subcommands' action, if any
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.option_names += action.option_strings
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        self.commands = super().add_subparsers(**kwargs)
        return self.commands

    def error(self, message: str) -> NoReturn:
        """argparse's error, with the closest choice to an invalid one (`clen`: `clean`)."""
        invalid = _INVALID_CHOICE.match(message)
        if invalid:
            choices = re.findall(r"'([^']*)'", invalid.group(2))
            close = difflib.get_close_matches(invalid.group(1), choices, n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        super().error(message)

    def unrecognized(self, extras: list[str]) -> NoReturn:
        """Exit with this command's usage and the closest option to each unknown one."""
        unknown = []
        for extra in extras:
            close = difflib.get_close_matches(extra.split("=", 1)[0], self.option_names, n=1)
            unknown.append(f"{extra} (did you mean {close[0]}?)" if close else extra)
        self.error("unrecognized arguments: " + " ".join(unknown))


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Parser:
    """The parser of the (sub)command the arguments chose, for its usage in an error."""
    chosen = parser
    for dest in ("command", "rules_command"):
        name = getattr(args, dest, None)
        commands = chosen.commands if isinstance(chosen, Parser) else None
        if name is None or commands is None or not isinstance(commands.choices, dict):
            break
        chosen = commands.choices[name]
    return chosen if isinstance(chosen, Parser) else Parser()


def _help(parser: argparse.ArgumentParser, _args: argparse.Namespace) -> int:
    """`cleaner rules` without a subcommand: its help, and the usage exit code."""
    parser.print_help()
    return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    args, extras = parser.parse_known_args(argv)
    if extras:  # reported by the command they were given to, with its usage
        _command_parser(parser, args).unrecognized(extras)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return code
    except RuleError as exc:
        print(f"cleaner: rule error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of standard output left (`| head`): stop quietly
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # an output that cannot be written (a full disk): one line
        silence_stdout()
        where = f"{exc.filename}: " if exc.filename else "cannot write to standard output: "
        print(f"cleaner: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
