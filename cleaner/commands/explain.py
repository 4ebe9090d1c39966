"""`cleaner explain`: each input line of one document with its verdict and the rule behind it."""

from __future__ import annotations

import argparse
import os
import sys

from ..core import Cleaner, CleanError
from ..explain import explain_lines
from ..inputs import InputError, decode_bytes, input_kind, read_bytes
from ..normalize import split_lines
from . import add_site_options, note_replaced_rules, unknown_site

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
COLOR_CHOICES = ("auto", "always", "never")


def _use_color(choice: str) -> bool:
    if choice == "auto":
        return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return choice == "always"


def cmd_explain(args: argparse.Namespace) -> int:
    """Clean one file and print every line's verdict: kept, removed by a rule, or captured."""
    kind = input_kind(args.file) if args.file != "-" else "text"
    if args.file != "-" and os.path.isdir(args.file):
        print(
            f"cleaner: {args.file}: is a folder; explain takes one document: for a folder use "
            "`cleaner clean --explain` or `cleaner report`",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if kind == "jsonl":
        print(
            f"cleaner: {args.file}: explain takes one text or HTML document; "
            "for JSONL use `cleaner report`",
            file=sys.stderr,
        )
        return EXIT_USAGE
    cleaner = Cleaner(args.rules, detect_language=not args.no_language)
    note_replaced_rules(cleaner)
    if problem := unknown_site(args, cleaner):
        print(f"cleaner: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        data = read_bytes(args.file)
        if kind == "html":
            lines = None
            result = cleaner.clean_html(data, url=args.url, site=args.site)
        else:
            text = decode_bytes(data).text
            lines = split_lines(text)
            result = cleaner.clean(text, url=args.url, site=args.site)
    except (InputError, CleanError) as exc:
        print(f"cleaner: {args.file}: {exc}", file=sys.stderr)
        return EXIT_DOC_ERRORS
    except Exception as exc:  # a bug: one line, as for any other error
        print(f"cleaner: {args.file}: internal error, {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_DOC_ERRORS
    sys.stdout.write(
        explain_lines(
            lines, result, cleaner.rules_by_id, args.file, _use_color(args.color), args.full
        )
    )
    return EXIT_OK


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner explain` to the command line."""
    explain = commands.add_parser(
        "explain",
        help="show each input line with its verdict: kept, removed by rule X, captured",
        description="Show each line of one document with its verdict: kept, or removed by which\n"
        "rule and why, and what went to metadata. For a folder, use `cleaner clean\n"
        "--explain` or `cleaner report`.",
        epilog="examples:\n  cleaner explain article.txt\n"
        "  cleaner explain --site presstv.ir --full --color always article.txt | less -R",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("file", metavar="FILE", help="a text or HTML file ('-': standard input)")
    add_site_options(explain)
    explain.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="colour the verdicts: auto (on a terminal), always or never (default: auto)",
    )
    explain.add_argument("--full", action="store_true", help="do not shorten long kept lines")
    explain.add_argument("--no-language", action="store_true", help="skip language detection")
    explain.set_defaults(func=cmd_explain)
