"""Command-line commands, one module each; cleaner/cli.py assembles them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..rules import builtin_rules_dir, iter_rule_paths
from ..sites import GENERIC_SITE_NAMES, url_host

if TYPE_CHECKING:
    from ..core import Cleaner

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report an interrupted command
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a writer whose reader left
NOT_TEXT_SHOWN = 3  # binary files of the input folders named in the summary (all in --stats)


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose rules, shared by every command that cleans documents."""
    where = parser.add_mutually_exclusive_group()
    paths = iter_rule_paths(builtin_rules_dir())
    shipped = ", ".join(p.stem for p in paths if not p.name.startswith("_"))  # not the packs
    where.add_argument(
        "--site",
        help=f"the site's rule file ('generic': none; default: from the URL or the text). "
        f"Built in: {shipped}",
    )
    where.add_argument(
        "--url", type=_given_url, help="the article's URL; its host picks the rule file"
    )
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        type=given_folder,
        metavar="DIR",
        help="extra rule folder (repeatable); its file for a site replaces the built-in one",
    )


def given_folder(value: str) -> str:
    """An option's folder: an empty one is a mistake (a shell variable that was not set), not
    the current folder."""
    if not value.strip():
        raise argparse.ArgumentTypeError("empty folder name (leave the option out to give none)")
    return value


def _given_url(value: str) -> str:
    """An option's URL: an empty one is a mistake (a shell variable that was not set), not a
    request for no URL; nor is one with no web host to pick a rule file by, which would only
    come back as a warning on every document."""
    if not value.strip():
        raise argparse.ArgumentTypeError("empty URL (leave the option out to give none)")
    if url_host(value) is None:
        raise argparse.ArgumentTypeError(
            f"cannot read a web host from {value!r} (give the article's http(s) address, "
            "e.g. https://www.dawn.com/news/1)"
        )
    return value


def note_replaced_rules(cleaner: Cleaner) -> None:
    """Say on standard error which rule files replace another folder's (or a built-in) file
    for the same site: the earlier file's rules are all gone, not added to."""
    for line in cleaner.replaced_rule_files:
        print(f"cleaner: note: {line}", file=sys.stderr)


def not_text_note(paths: list[str]) -> str:
    """The line saying which files of the input folders were left out as not text."""
    more = len(paths) - NOT_TEXT_SHOWN
    return (
        f"cleaner: left out {len(paths)} file(s) of the input folders that are not text "
        f"(images, archives): {', '.join(paths[:NOT_TEXT_SHOWN])}"
        + (f" and {more} more" if more > 0 else "")
    )


def unknown_site(args: argparse.Namespace, cleaner: Cleaner) -> str | None:
    """Why --site is a usage error (no rule file of that name), or None when it names one."""
    site = args.site
    if not site or site.lower() in GENERIC_SITE_NAMES:
        return None
    if cleaner.sites.resolve("", site=site).source == "option":
        return None
    known = ", ".join(sorted(cleaner.sites.sites))
    # The rule commands (rules new, rules test) keep a site's file in ./rules; cleaning
    # loads only the built-in rules and the --rules folders.
    local = Path("rules") / f"{site.lower()}.yaml"
    hint = f"; {local} is not loaded: add --rules rules" if local.is_file() else ""
    return (
        f"unknown site {site!r} (--site): known sites are {known}, "
        f"or 'generic' for the generic rules alone{hint}"
    )
