"""`cleaner rules new`: scaffold a site's rule file and its first golden case from a sample."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ..core import Cleaner, CleanError
from ..golden import EXPECTED_JSON, EXPECTED_TEXT, OPTIONS, dump_json, summary
from ..inputs import InputError, decode_bytes, input_kind, read_bytes
from ..model import CleanResult
from ..normalize import word_count
from ..outputs import write_atomic
from ..rules import RuleError, parse_rule_file
from ..sites import url_host
from ..text import HEAD_LINES, TAIL_LINES, is_body_like
from . import given_folder

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DOMAIN_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$")
CASE_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")
SUGGESTION_MAX_WORDS = 12  # a kept line this short near the top or bottom may be furniture
MAX_SUGGESTIONS = 6
SAMPLE_SUFFIXES = (".txt", ".text", ".md", ".html.gz", ".htm.gz", ".html", ".htm", ".xhtml")


class ScaffoldError(Exception):
    """The scaffold cannot be written; the message says why."""


def normalize_domain(raw: str) -> str:
    """A registered domain from 'example.com', 'www.example.com' or a URL."""
    host = url_host(raw) if "/" in raw else raw.strip().lower().rstrip(".")
    host = (host or "").removeprefix("www.")
    if not DOMAIN_RE.match(host):
        raise ScaffoldError(f"{raw!r} is not a domain name (expected something like example.com)")
    return host


def case_name(sample: Path) -> str:
    """The golden case name: the sample's file name without its suffix, made file-safe."""
    name = sample.name
    for suffix in SAMPLE_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return CASE_NAME_RE.sub("-", name).strip("-.") or "sample"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:4]
    return "-".join(words) or "line"


def suggestions(result: CleanResult) -> list[str]:
    """Kept lines that look like furniture: short, not prose, near the top or the bottom."""
    kept = [result.title, *result.paragraphs]
    found: list[str] = []
    for index, text in enumerate(kept):
        if index == 0 or not text or text in found:
            continue
        near_edge = index < HEAD_LINES or index >= len(kept) - TAIL_LINES
        short = word_count(text) <= SUGGESTION_MAX_WORDS
        if near_edge and short and not is_body_like(text):
            found.append(text)
    return found[:MAX_SUGGESTIONS]


def rule_file_text(domain: str, sample: str, result: CleanResult) -> str:
    """The YAML of a new site: valid as it is, with commented suggestions to start from."""
    language = result.language if result.language and len(result.language) == 2 else None
    out = [
        f"# Rules for {domain}. Reference: the README's 'Rule files' section.",
        "# Every rule needs an id, a kind, an action and a one-line description. Prefer the",
        "# site's structure to one sentence: a caption rule should match any caption of the site.",
        f"site: {domain}",
        f"description: {_q(f'{domain}, scaffolded by cleaner rules new from {sample}.')}",
    ]
    if language:
        out.append(f"language: {language}  # detected in the sample; a different one warns")
    out += [
        "match:",
        f"  domains: [{domain}]",
        "  # Fingerprints recognize the site from its text alone (no URL). Add two or three lines",
        "  # only this site prints, then delete the case's .options.json to test them:",
        "  # fingerprints:",
        f"  #   - id: {domain}.fp.example",
        "  #     regex: '^a line only this site prints$'",
        "  #     weight: 2",
        "  # min_score: 2",
        "rules:",
    ]
    lines = suggestions(result)
    if lines:
        out += [
            "# Lines of the sample that the generic rules kept and that look like site furniture",
            "# (short, not a sentence). Uncomment the ones that are, fix their kind, and widen",
            "# `exact` to a `regex` when the line varies (other dates, authors, agencies):",
        ]
    used: set[str] = set()
    for text in lines:
        rule_id = f"{domain}.{_slug(text)}"
        while rule_id in used:
            rule_id += "-2"
        used.add(rule_id)
        out += [
            f"#  - id: {rule_id}",
            "#    kind: other",
            "#    action: drop",
            f"#    description: {_q(f'The line {text!r} seen in {sample}.')}",
            f"#    exact: {_q(text)}",
        ]
    return "\n".join(out) + "\n"


def _clean(cleaner: Cleaner, data: bytes, kind: str, domain: str) -> CleanResult:
    if kind == "html":
        return cleaner.clean_html(data, site=domain)
    return cleaner.clean(decode_bytes(data).text, site=domain)


def scaffold(domain: str, sample: Path, rules_dir: Path, golden_dir: Path) -> list[Path]:
    """Write the rule file and the golden case; returns the paths written. Never overwrites."""
    kind = input_kind(str(sample))
    if kind == "jsonl":
        raise ScaffoldError(f"{sample}: the sample must be one text or HTML article, not JSONL")
    data = read_bytes(str(sample))  # InputError for a missing or unreadable sample
    if kind == "text":
        decode_bytes(data)  # fail early on binary or undecodable samples
    name = case_name(sample)
    suffix = ".html" if kind == "html" else ".txt"
    case_dir = golden_dir / domain
    stem = case_dir / name
    rule_path = rules_dir / f"{domain}.yaml"
    tag = ".html" if kind == "html" else ""
    targets = [
        stem.with_name(name + suffix),
        stem.with_name(name + tag + EXPECTED_TEXT),
        stem.with_name(name + tag + EXPECTED_JSON),
        stem.with_name(name + OPTIONS),
    ]
    if rule_path.exists():
        raise ScaffoldError(
            f"{rule_path} already exists; not overwriting it (to pin another page of the site, "
            f"copy it into {case_dir}/ and run: cleaner rules test {domain} --update)"
        )
    for path in targets:
        if path.exists():
            raise ScaffoldError(f"{path} already exists; not overwriting it")
    existing = Cleaner([rules_dir] if rules_dir.is_dir() else [], detect_language=False)
    owner = existing.sites.by_host(domain)
    if owner is not None:
        raise ScaffoldError(f"{domain} is already covered by {owner.site} ({owner.path})")
    # A first pass with no site rules gives the language; the file is validated before writing.
    draft = rule_file_text(domain, sample.name, _clean(Cleaner([]), data, kind, domain))
    parse_rule_file(draft, str(rule_path))
    write_atomic(rule_path, draft.encode("utf-8"))
    try:
        cleaner = Cleaner([rules_dir])
        result = _clean(cleaner, data, kind, domain)
    except (RuleError, CleanError):
        rule_path.unlink()
        raise
    write_atomic(targets[0], data)
    write_atomic(targets[1], result.text.encode("utf-8"))
    write_atomic(targets[2], dump_json(summary(result)).encode("utf-8"))
    write_atomic(targets[3], dump_json({"site": domain}).encode("utf-8"))
    return [rule_path, *targets]


def next_steps(domain: str, paths: list[Path]) -> str:
    """What the author does next, with the commands to run."""
    rule_path, case_input, expected_text = paths[0], paths[1], paths[2]
    return f"""
Next steps:
  1. Edit {expected_text}
     until it is the article alone: the headline, a blank line, then each body paragraph
     on one line with a blank line between.
  2. See every line's verdict (kept / removed by rule X / captured):
       cleaner explain {case_input} --site {domain} --rules {rule_path.parent}
  3. Add rules to {rule_path} (start from the commented suggestions), then
       cleaner rules test {domain}
     until the text diff is gone.
  4. Accept the removals and metadata the rules now record, and read that diff:
       cleaner rules test {domain} --update
  5. Check the whole set and look at it:
       cleaner rules check {rule_path.parent}
       cleaner report golden/{domain} --rules {rule_path.parent} -o report.html
"""


def cmd_rules_new(args: argparse.Namespace) -> int:
    """Scaffold rules/DOMAIN.yaml and golden/DOMAIN/<sample>; print the next steps."""
    try:
        domain = normalize_domain(args.domain)
        paths = scaffold(domain, Path(args.sample), Path(args.rules_dir), Path(args.golden_dir))
    except ScaffoldError as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (InputError, CleanError) as exc:
        print(f"cleaner: {args.sample}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in paths:
        print(f"created {path}")
    print(next_steps(domain, paths), end="")
    return EXIT_OK


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner rules new` to the command line."""
    new = rule_commands.add_parser(
        "new", help="scaffold a site's rule file and a golden case from a sample article"
    )
    new.add_argument("domain", metavar="DOMAIN", help="the site's registered domain")
    new.add_argument(
        "--from", dest="sample", required=True, metavar="SAMPLE", help="a text or HTML article"
    )
    # --rules and --golden, as the other commands name them; the -dir names still work.
    new.add_argument(
        "--rules",
        "--rules-dir",
        dest="rules_dir",
        type=given_folder,
        default="rules",
        metavar="DIR",
        help="where rule files live (default: rules)",
    )
    new.add_argument(
        "--golden",
        "--golden-dir",
        dest="golden_dir",
        default="golden",
        metavar="DIR",
        help="where golden cases live (default: golden)",
    )
    new.set_defaults(func=cmd_rules_new)
