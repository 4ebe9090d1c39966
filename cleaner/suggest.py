"""Draft a site's rule file from sample pages: what recurs across documents is furniture.

A line that appears verbatim in many of one site's documents is a candidate `exact` rule. Lines
that differ only in digits, dates and names share a *shape* ("(last modified <WDAY>, <NUM>
<MONTH> <NUM> ...)"); a shape that recurs becomes a `regex` rule. Candidates are counted by
document (support), not by occurrence, so one page repeating a line cannot make it a rule.
The draft is YAML text with each rule's support and examples as comments, fingerprints for the
most common lines, and it must pass the strict loader before anyone sees it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .actions import line_matches
from .language import LanguageDetector
from .normalize import shorten, split_lines, word_count
from .rules import RuleFile, parse_rule_file
from .text import Budget, Doc, is_body_like

MIN_SUPPORT = 3  # a candidate must appear in at least this many documents...
MIN_SHARE = 0.3  # ...and in at least this share of them
SHAPE_MAX_WORDS = 15  # only short lines are generalized to a shape; prose stays verbatim
REPORT_BUDGET_SECONDS = 10.0  # per sample document, as when cleaning
MAX_EXAMPLES = 3
MAX_FINGERPRINTS = 3
EXAMPLE_CHARS = 100

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_NAME_WORD = r"[A-Z][\w'’.-]*"
# Masks applied in this order; each placeholder maps to the regex that matches its values.
_MASKS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("<MONTH>", re.compile(rf"\b(?:{_MONTHS})\b\.?"), rf"(?:{_MONTHS})\.?"),
    ("<WDAY>", re.compile(rf"\b(?:{_WEEKDAYS})\b\.?"), rf"(?:{_WEEKDAYS})\.?"),
    ("<NUM>", re.compile(r"\d+"), r"\d+"),
    # Names: a run of capitalized words that does not open the line.
    (
        "<NAME>",
        re.compile(rf"(?<=\s){_NAME_WORD}(?:\s+{_NAME_WORD})*"),
        rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}",
    ),
)
_PLACEHOLDER = re.compile("|".join(re.escape(token) for token, _, _ in _MASKS))
_KIND_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^By\b", re.I), "byline"),  # "By <NAME> | <NUM> <MONTH> <NUM>" too
    (
        re.compile(r"<NUM>.*(?:<MONTH>|:<NUM>)|<MONTH>.*<NUM>|<NUM>[./-]<NUM>[./-]<NUM>"),
        "timestamp",
    ),
    (re.compile(r"©|copyright|all rights reserved|privacy|terms", re.I), "footer"),
    (re.compile(r"\bshare\b|facebook|twitter|whatsapp|telegram", re.I), "share"),
    (re.compile(r"newsletter|subscribe|sign up", re.I), "newsletter"),
    (re.compile(r"advert|sponsor", re.I), "advertisement"),
    (re.compile(r"related|read more|also read|more from", re.I), "related"),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A line (or line shape) that recurs across the sample."""

    pattern: str  # regex source for the rule
    exact: str | None  # the verbatim line, for exact candidates
    shape: str
    support: int  # number of documents holding it
    examples: tuple[str, ...]
    zone: str
    kind: str


@dataclass(slots=True)
class Draft:
    """A drafted rule file: its YAML text, the candidates and what it removes from the sample."""

    site: str
    yaml_text: str
    candidates: list[Candidate]
    documents: int
    removals: Counter[str] = field(default_factory=Counter)  # rule id -> lines removed
    prose_removals: list[str] = field(default_factory=list)  # body-like lines a rule removed
    headline_removals: list[str] = field(default_factory=list)  # sample headlines it removed
    rule_file: RuleFile | None = None


def mask(line: str) -> str:
    """The line's shape: months, weekdays, numbers and names replaced by placeholders."""
    shape = line
    for token, pattern, _ in _MASKS:
        shape = pattern.sub(token, shape)
    return shape


def shape_regex(shape: str) -> str:
    """A full-line regex matching every line of this shape."""
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(shape):
        parts.append(re.escape(shape[last : found.start()]))
        parts.append(next(rx for token, _, rx in _MASKS if token == found.group()))
        last = found.end()
    parts.append(re.escape(shape[last:]))
    return "^" + "".join(parts).replace("\\ ", " ") + "$"


def _zone(positions: list[tuple[bool, bool]]) -> str:
    """`head` or `tail` when every occurrence (in the head, in the tail) sits there, as a
    rule's zone reads it (text.Doc), else `any`."""
    if all(head for head, _ in positions):
        return "head"
    if all(tail for _, tail in positions):
        return "tail"
    return "any"


def _kind(shape: str) -> str:
    for pattern, kind in _KIND_HINTS:
        if pattern.search(shape):
            return kind
    return "other"


def find_candidates(documents: list[str], min_support: int | None = None) -> list[Candidate]:
    """Lines and shapes that recur in at least `min_support` documents, most common first."""
    needed = min_support or max(MIN_SUPPORT, math.ceil(MIN_SHARE * len(documents)))
    verbatim: dict[str, set[int]] = defaultdict(set)
    shaped: dict[str, set[int]] = defaultdict(set)
    positions: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    pages = [Doc(split_lines(text), Budget(REPORT_BUDGET_SECONDS)) for text in documents]
    # The first line is the headline: it varies by nature and is never a rule, nor is it one
    # where another page lists it (a "More stories" list of the site's other headlines).
    headlines = {doc.lines[0].text for doc in pages if doc.lines}
    for doc_no, doc in enumerate(pages):
        lines = [line.text for line in doc.lines]
        for index, line in enumerate(lines[1:], start=1):
            if line in headlines:
                continue
            verbatim[line].add(doc_no)
            positions[line].append((doc.in_head(index), doc.in_tail(index)))
            if word_count(line) <= SHAPE_MAX_WORDS and not is_body_like(line):
                shape = mask(line)
                if shape != line:
                    shaped[shape].add(doc_no)
                    variants[shape][line] += 1
    found: list[Candidate] = []
    covered: set[str] = set()
    for shape, docs in shaped.items():
        counts = variants[shape]
        if len(docs) < needed or len(counts) < 2:
            continue  # one verbatim line is an exact candidate, not a shape
        covered.update(counts)
        where = [p for line in counts for p in positions[line]]
        examples = tuple(line for line, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        found.append(
            Candidate(
                shape_regex(shape),
                None,
                shape,
                len(docs),
                examples[:MAX_EXAMPLES],
                _zone(where),
                _kind(shape),
            )
        )
    for line, docs in verbatim.items():
        if len(docs) < needed or line in covered:
            continue
        found.append(
            Candidate(
                "^" + re.escape(line).replace("\\ ", " ") + "$",
                line,
                line,
                len(docs),
                (line,),
                _zone(positions[line]),
                _kind(line),
            )
        )
    return sorted(found, key=lambda c: (-c.support, c.shape))


def _quote(value: str) -> str:
    """A single-quoted YAML scalar."""
    return "'" + value.replace("'", "''") + "'"


def _comment(text: str) -> str:
    return shorten(" ".join(text.split()), EXAMPLE_CHARS)


def render_yaml(
    site: str, candidates: list[Candidate], documents: int, language: str | None
) -> str:
    """The draft rule file as YAML text, with support counts and examples as comments."""
    out = [
        f"# Draft rules for {site}, from {documents} sample document(s) (cleaner rules suggest).",
        "# Review every rule: a line that recurs is usually furniture, but not always.",
        f"site: {site}",
        "description: " + _quote(f"Draft for {site}: lines recurring across {documents} pages."),
    ]
    if language:
        out.append(f"language: {language}")
    out += ["match:", f"  domains: [{site}]"]
    # A fingerprint is a line only the site prints: furniture, never a sentence of prose
    # (that several sample pages share one is a coincidence of the sample).
    lines = [c for c in candidates if c.exact is not None and not is_body_like(c.exact)]
    prints = [c for c in lines if c.zone != "any"][:MAX_FINGERPRINTS] or lines[:MAX_FINGERPRINTS]
    if prints:
        out.append("  fingerprints:")
        for number, cand in enumerate(prints, start=1):
            out += [
                f"    # support: {cand.support}/{documents} documents",
                f"    - id: {site}.fp.recurring-{number}",
                f"      regex: {_quote(_any_number(cand.pattern))}",
                "      weight: 1",
            ]
        out.append(f"  min_score: {min(2, len(prints))}")
    out.append("rules:" if candidates else "rules: []")
    for number, cand in enumerate(candidates, start=1):
        what = "line" if cand.exact is not None else "line shape"
        out.append(
            f"  # support: {cand.support}/{documents} documents; {what}: {_comment(cand.shape)}"
        )
        out += [f"  #   e.g. {_comment(example)}" for example in cand.examples]
        out += [
            f"  - id: {site}.recurring-{number}",
            f"    kind: {cand.kind}",
            "    action: drop",
            "    description: "
            + _quote(f"A {what} found in {cand.support} of {documents} sample pages."),
        ]
        if cand.exact is not None:
            out.append(f"    exact: {_quote(cand.exact)}")
        else:
            out.append(f"    regex: {_quote(cand.pattern)}")
        if cand.zone != "any":
            out.append(f"    zone: {cand.zone}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _any_number(pattern: str) -> str:
    """A fingerprint regex with its numbers as any number: "© 2025 Harbour Times" still
    recognizes the site next year."""
    return re.sub(r"\d+", lambda found: r"\d+", pattern)


def _language(documents: Iterable[str]) -> str | None:
    detector = LanguageDetector()
    votes = Counter(
        detector.detect([line.text for line in split_lines(text) if is_body_like(line.text)])
        for text in documents
    )
    votes.pop(None, None)
    return min(votes, key=lambda code: (-votes[code], code)) if votes else None


def draft_rules(site: str, documents: list[str], min_support: int | None = None) -> Draft:
    """Draft a rule file for `site` from its sample documents; it passes the strict loader."""
    candidates = find_candidates(documents, min_support)
    text = render_yaml(site, candidates, len(documents), _language(documents))
    rule_file = parse_rule_file(text, f"<draft {site}>")  # raises RuleError if we got it wrong
    return Draft(site, text, candidates, len(documents), rule_file=rule_file)


def apply_draft(draft: Draft, documents: list[str]) -> Draft:
    """Count what the draft's own rules would remove from the sample (first matching rule)."""
    rules = [r for r in draft.rule_file.rules if r.is_line_rule] if draft.rule_file else []
    for text in documents:
        doc = Doc(split_lines(text), Budget(REPORT_BUDGET_SECONDS))
        for index, line in enumerate(doc.lines):
            rule = next((r for r in rules if line_matches(r, doc, index) is not None), None)
            if rule is None:
                continue
            draft.removals[rule.id] += 1
            if index == 0:
                draft.headline_removals.append(line.text)
            elif is_body_like(line.text):
                draft.prose_removals.append(line.text)
    return draft


def report_text(draft: Draft) -> str:
    """What the draft would remove from the sample, rule by rule."""
    total = sum(draft.removals.values())
    out = [
        f"{draft.site}: {len(draft.candidates)} rule(s) drafted from {draft.documents} "
        f"document(s); they would remove {total} line(s) of the sample"
    ]
    for number, cand in enumerate(draft.candidates, start=1):
        rule_id = f"{draft.site}.recurring-{number}"
        out.append(
            f"  {rule_id}: {draft.removals[rule_id]} line(s) in {cand.support} document(s), "
            f"e.g. {_comment(cand.examples[0])}"
        )
    for line in sorted(set(draft.headline_removals)):
        out.append(f"  warning: a drafted rule removes a sample page's headline: {_comment(line)}")
    for line in sorted(set(draft.prose_removals)):
        out.append(
            f"  warning: a drafted rule removes a line that reads like prose: {_comment(line)}"
        )
    return "\n".join(out) + "\n"
