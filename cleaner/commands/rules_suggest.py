"""`cleaner rules suggest`: draft a site's rule file from sample pages of that site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..inputs import InputError, decode_bytes, expand_paths, input_kind, iter_jsonl, read_bytes
from ..outputs import write_atomic
from ..suggest import apply_draft, draft_rules, report_text
from .rules_new import ScaffoldError, normalize_domain

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
DEFAULT_FOLDER = "rules"


def read_samples(paths: list[str], text_field: str) -> tuple[list[str], list[str]]:
    """The sample texts (text files, or the text field of JSONL records) and any problems."""
    texts, problems = [], []
    for path, _base, problem in expand_paths(paths):
        try:
            if problem is not None:
                raise InputError("unreadable", problem)
            data = read_bytes(path)
            if input_kind(path) != "jsonl":
                texts.append(decode_bytes(data).text)
                continue
        except (InputError, OSError) as exc:  # unreadable, or not text (an image)
            problems.append(f"{path}: {exc}")
            continue
        for item in iter_jsonl(iter(data.splitlines(keepends=True))):
            value = item.record.get(text_field) if item.record else None
            if isinstance(value, str) and value.strip():
                texts.append(value)
            else:
                problems.append(f"{path}:{item.line_no}: no {text_field!r} text")
    return texts, problems


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
    texts, problems = read_samples(args.samples, args.text_field)
    for problem in problems:
        print(f"cleaner: {problem}", file=sys.stderr)
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
        "suggest", help="draft a site's rule file from sample pages (text files or JSONL)"
    )
    suggest.add_argument("site", metavar="SITE", help="the site's domain, e.g. example.com")
    suggest.add_argument("samples", nargs="+", metavar="SAMPLE", help="text/JSONL files or folders")
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
