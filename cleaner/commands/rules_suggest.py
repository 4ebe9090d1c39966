"""`cleaner rules suggest`: draft a site's rule file from sample pages of that site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..inputs import InputError, decode_bytes, expand_paths, input_kind, iter_jsonl, read_bytes
from ..outputs import write_atomic
from ..sites import on_hosts, url_host
from ..suggest import apply_draft, draft_rules, report_text
from .rules_new import ScaffoldError, normalize_domain

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
DEFAULT_FOLDER = "rules"


def read_samples(
    paths: list[str], text_field: str, site: str | None = None
) -> tuple[list[str], list[str], int]:
    """The sample texts, the problems, and how many records were left out as another site's.

    Text files give their text; HTML files and records with an `html` field the main text
    extraction finds (the headline first), as cleaning sees it; JSONL records the text field.
    A record whose `url` is on another host than `site` is left out (a mixed crawl)."""
    texts, problems, elsewhere = [], [], 0
    for path, _base, problem in expand_paths(paths):
        try:
            if problem is not None:
                raise InputError("unreadable", problem)
            data = read_bytes(path)
            kind = input_kind(path)
            if kind != "jsonl":
                texts.append(html_sample(data) if kind == "html" else decode_bytes(data).text)
                continue
        except (InputError, OSError) as exc:  # unreadable, not text, no article
            problems.append(f"{path}: {exc}")
            continue
        for item in iter_jsonl(iter(data.splitlines(keepends=True))):
            record = item.record or {}
            url = record.get("url")
            if site and isinstance(url, str) and not _on_site(url, site):
                elsewhere += 1
                continue
            text, html = record.get(text_field), record.get("html")
            try:
                if isinstance(text, str) and text.strip():
                    texts.append(text)
                elif isinstance(html, str) and html.strip():
                    texts.append(html_sample(html))
                else:
                    problems.append(f"{path}:{item.line_no}: no {text_field!r} text nor 'html'")
            except InputError as exc:
                problems.append(f"{path}:{item.line_no}: {exc}")
    return texts, problems, elsewhere


def html_sample(html: str | bytes) -> str:
    """A page's headline and main text, as the HTML path extracts them before cleaning."""
    from ..html import HtmlError, extract  # trafilatura loads only when a sample is HTML

    try:
        page = extract(html, None, None)
    except HtmlError as exc:
        raise InputError(exc.code, str(exc)) from None
    return f"{page.title}\n\n{page.text}" if page.title else page.text


def _on_site(url: str, site: str) -> bool:
    """Whether the URL's host is the site or one of its subdomains (a bad URL is not)."""
    host = url_host(url)
    return host is not None and on_hosts(host, (site,))


def target_path(site: str, output: str | None) -> Path:
    """Where the draft goes: --output as a file, or <folder>/<site>.yaml for a folder."""
    path = Path(output or DEFAULT_FOLDER)
    if output is None or path.is_dir() or output.endswith(("/", "\\")):
        return path / f"{site}.yaml"
    return path


def cmd_rules_suggest(args: argparse.Namespace) -> int:
    """Draft rules for one site from its samples; write the YAML and print the report."""
    try:
        args.site = normalize_domain(args.site)
    except ScaffoldError as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return EXIT_USAGE
    texts, problems, elsewhere = read_samples(args.samples, args.text_field, args.site)
    for problem in problems:
        print(f"cleaner: {problem}", file=sys.stderr)
    if elsewhere:
        print(
            f"cleaner: left out {elsewhere} record(s) whose url is not on {args.site}",
            file=sys.stderr,
        )
    if len(texts) < 2:
        print("cleaner: rules suggest needs at least 2 sample documents", file=sys.stderr)
        return EXIT_USAGE
    target = target_path(args.site, args.output)
    if target.exists() and not args.force:
        print(f"cleaner: {target} exists; use --force to overwrite it", file=sys.stderr)
        return EXIT_USAGE
    draft = apply_draft(draft_rules(args.site, texts, args.min_support), texts)
    write_atomic(target, draft.yaml_text.encode("utf-8"))
    sys.stdout.write(report_text(draft))
    print(f"wrote {target}")
    return EXIT_DOC_ERRORS if problems else EXIT_OK


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner rules suggest` to the command line."""
    suggest = rule_commands.add_parser(
        "suggest", help="draft a site's rule file from sample pages (text, HTML or JSONL)"
    )
    suggest.add_argument("site", metavar="SITE", help="the site's domain, e.g. example.com")
    suggest.add_argument(
        "samples", nargs="+", metavar="SAMPLE", help="text, HTML or JSONL files, or folders"
    )
    suggest.add_argument(
        "--output", "-o", metavar="PATH", help="draft file or folder (default: rules/SITE.yaml)"
    )
    suggest.add_argument("--force", action="store_true", help="overwrite an existing file")
    suggest.add_argument(
        "--min-support",
        type=int,
        metavar="N",
        help="documents a line must recur in (default: 3, and 30%% of the sample)",
    )
    suggest.add_argument(
        "--text-field", default="text", help="JSONL field holding the text (default: text)"
    )
    suggest.set_defaults(func=cmd_rules_suggest)
