"""Command-line commands, one module each; cleaner/cli.py assembles them."""

from __future__ import annotations

import argparse

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report an interrupted command
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a writer whose reader left


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose rules, shared by every command that cleans documents."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--site", help="the site's rule file (e.g. dawn.com; 'generic': none)")
    where.add_argument("--url", help="the article's URL; its host picks the rule file")
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra rule folder (repeatable); overrides built-ins for the same site",
    )
