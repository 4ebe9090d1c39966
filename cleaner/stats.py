"""Batch statistics: what a run cleaned, per site, and which rules still earn their keep.

Each cleaned record is reduced to a small `RecordSummary` (in the worker that cleaned it);
`BatchStats` adds them up in the main process. *Rule health* is the signal that a site changed
its layout: a site rule that never fired over a whole batch, a site whose documents had no
line removed by its own rules at all, or one whose rules each took lines in only a few of its
documents.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .core import Cleaner
from .records import ERROR_FIELD, ORIGINAL_FIELD
from .repeats import RULE_ID as REPEATS_RULE
from .repeats import site_key
from .rules import HTML_STRIP_RULE  # a hit of a site's strip selectors is its layout matching

GENERIC_SITE = "(generic)"  # the per-site key for documents that matched no site rule file
TOP_RULES = 5  # rules listed per site in the text summary
TOP_UNUSED_GENERIC = 3  # unused generic rule ids named in the text summary (all in --stats)
HEALTH_MIN_DOCUMENTS = 20  # a site's documents before the summary lists its unused rules
# Documents of a run before the summary counts the generic rules that never fired: they serve
# every site, and most fire on a few pages in a hundred (a one-off run of 24 files listed 123).
GENERIC_HEALTH_MIN_DOCUMENTS = 200
SILENT_SITE = "no site rule removed a line (did the layout change?)"  # said of a site
# A site whose most used rule removed lines in fewer than this share of its documents: a few
# hits (a crosshead read as a byline) are no sign that its furniture is where its rules look.
RARE_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What the statistics need from one cleaned record (small, so workers can send it back)."""

    site: str | None
    chars_in: int
    chars_removed: int
    rules: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    # The lines --learn-repeats removed (not the rules), with the site they were learnt on.
    repeated: tuple[tuple[str, str], ...] = ()


def summarize(record: dict[str, Any], text_field: str = "text") -> RecordSummary:
    """The summary of one output record of `records.clean_record` (or an error record)."""
    error = record.get(ERROR_FIELD)
    if isinstance(error, dict) and "removed" not in record:
        return RecordSummary(None, 0, 0, error=str(error.get("code", "error")))
    removed = record.get("removed") or []
    original = record.get(ORIGINAL_FIELD)
    if not isinstance(original, str):  # HTML input: measure against the extracted lines
        original = str(record.get(text_field) or "")
        chars_in = len(original) + sum(len(r["text"]) for r in removed)
    else:
        chars_in = len(original)
    return RecordSummary(
        site=record.get("site"),
        chars_in=chars_in,
        chars_removed=sum(len(r["text"]) for r in removed),
        rules=tuple(r["rule"] for r in [*removed, *(record.get("noted") or [])]),
        warnings=tuple(w["code"] for w in record.get("warnings") or []),
        repeated=tuple(
            (
                site_key(_text_or_none(record.get("site")), _text_or_none(record.get("url"))),
                r["text"],
            )
            for r in removed
            if r["rule"] == REPEATS_RULE
        ),
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class SiteStats:
    """Counts for the documents of one site."""

    documents: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    rule_documents: Counter[str] = field(default_factory=Counter)  # documents each rule hit


@dataclass(slots=True)
class BatchStats:
    """Running totals of a batch. Add summaries with `add`; read with `to_dict`/`format`."""

    documents: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    # Input files that could not be opened or read to their end (a missing JSONL file, a
    # truncated gzip): not documents, but errors all the same.
    file_errors: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    sites: dict[str, SiteStats] = field(default_factory=dict)
    # (site, line) -> the documents of the site it left
    repeated: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, summary: RecordSummary) -> None:
        """Count one record."""
        if summary.error is not None:
            self.errors[summary.error] += 1
            return
        self.documents += 1
        self.warnings.update(summary.warnings)
        site = self.sites.setdefault(summary.site or GENERIC_SITE, SiteStats())
        site.documents += 1
        site.chars_in += summary.chars_in
        site.chars_removed += summary.chars_removed
        site.rules.update(summary.rules)
        site.rule_documents.update(set(summary.rules))
        self.repeated.update(summary.repeated)

    def merge(self, other: BatchStats) -> None:
        """Add the totals of another batch (a worker's chunk) to these."""
        self.documents += other.documents
        self.errors.update(other.errors)
        self.file_errors.update(other.file_errors)
        self.warnings.update(other.warnings)
        self.repeated.update(other.repeated)
        for name, theirs in other.sites.items():
            mine = self.sites.setdefault(name, SiteStats())
            mine.documents += theirs.documents
            mine.chars_in += theirs.chars_in
            mine.chars_removed += theirs.chars_removed
            mine.rules.update(theirs.rules)
            mine.rule_documents.update(theirs.rule_documents)

    @property
    def chars_in(self) -> int:
        return sum(s.chars_in for s in self.sites.values())

    @property
    def chars_removed(self) -> int:
        return sum(s.chars_removed for s in self.sites.values())

    def rule_health(self, cleaner: Cleaner) -> dict[str, Any]:
        """Per site seen in the batch: its rules that never fired, and whether any took lines
        at all, or only in a few of its documents (its most used rule, under RARE_SHARE)."""
        unused: dict[str, list[str]] = {}
        silent: list[str] = []
        rare: dict[str, dict[str, Any]] = {}
        for name in sorted(self.sites):
            rule_file = cleaner.rule_files.get(name)
            if name == GENERIC_SITE or rule_file is None:
                continue
            site = self.sites[name]
            never = [rule.id for rule in rule_file.rules if not site.rules[rule.id]]
            if never:
                unused[name] = never
            # A note keeps its line: a closing agency line it reads is no sign that the
            # site's furniture is still where its rules look for it.
            removing = [HTML_STRIP_RULE.format(site=name)]
            removing += [rule.id for rule in rule_file.rules if not rule.is_note]
            top = max(removing, key=lambda rule_id: (site.rule_documents[rule_id], rule_id))
            hits = site.rule_documents[top]
            if not hits:
                silent.append(name)
            elif hits < RARE_SHARE * site.documents:
                rare[name] = {
                    "documents": site.documents,
                    "top_rule": top,
                    "top_rule_documents": hits,
                }
        generic_fired: Counter[str] = Counter()
        for site in self.sites.values():
            generic_fired.update(site.rules)
        generic_unused = [
            rule.id for pack in cleaner.generic for rule in pack.rules if not generic_fired[rule.id]
        ]
        return {
            "unused_site_rules": unused,
            "sites_matching_no_rule": silent,
            "sites_rarely_matching": rare,
            "unused_generic_rules": generic_unused if self.documents else [],
        }

    def to_dict(self, cleaner: Cleaner) -> dict[str, Any]:
        """The statistics as JSON-ready data (what `--stats FILE` writes)."""
        return {
            "documents": self.documents,
            "errors": sum(self.errors.values()) + sum(self.file_errors.values()),
            "errors_by_code": dict(sorted((self.errors + self.file_errors).items())),
            "file_errors": sum(self.file_errors.values()),
            "warnings_by_code": dict(sorted(self.warnings.items())),
            "chars_in": self.chars_in,
            "chars_removed": self.chars_removed,
            "removed_share": _share(self.chars_removed, self.chars_in),
            "sites": {
                name: {
                    "documents": s.documents,
                    "removed_share": _share(s.chars_removed, s.chars_in),
                    "rules_fired": dict(sorted(s.rules.items())),
                }
                for name, s in sorted(self.sites.items())
            },
            "rule_health": self.rule_health(cleaner),
        }

    def to_json(self, cleaner: Cleaner) -> str:
        return json.dumps(self.to_dict(cleaner), ensure_ascii=False, indent=2) + "\n"

    def format(self, cleaner: Cleaner, full_list: str = "--stats FILE lists them all") -> str:
        """A short human summary for standard error; `full_list` says where the full lists
        of rules are (the CLI's --stats file, Scrapy's crawl stats)."""
        data = self.to_dict(cleaner)
        failed = data["errors"] - data["file_errors"]
        unread = (
            f"; {_count(data['file_errors'], 'input file')} not read whole"
            if data["file_errors"]
            else ""
        )
        out = [
            f"cleaner: {_count(data['documents'] + failed, 'document')}: "
            f"{data['documents']} cleaned, {_count(failed, 'error')}{unread}; "
            f"removed {data['removed_share']:.1%} of the input characters"
        ]
        for name, site in data["sites"].items():
            fired = sorted(site["rules_fired"].items(), key=lambda kv: (-kv[1], kv[0]))
            rules = ", ".join(f"{rule} {n}" for rule, n in fired[:TOP_RULES]) or "no rule fired"
            if len(fired) > TOP_RULES:
                rules += f", and {len(fired) - TOP_RULES} more rule(s) ({full_list})"
            out.append(
                f"  {name}: {_count(site['documents'], 'document')}, "
                f"removed {site['removed_share']:.1%} (rules fired: {rules})"
            )
        for label, key in (("errors", "errors_by_code"), ("warnings", "warnings_by_code")):
            if data[key]:
                out.append(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
        # Which rules fired says something only of a site's batch, not of a few pages (a
        # few photo-less briefs have no furniture at all; --stats always has the lists).
        health = data["rule_health"]
        for name in silent_sites(data):
            out.append(f"  rule health: {name}: {SILENT_SITE}")
        for name, rare in rarely_matching_sites(data).items():
            out.append(f"  rule health: {name}: {rarely_matching(rare)}")
        for name, rules in health["unused_site_rules"].items():
            many = data["sites"][name]["documents"] >= HEALTH_MIN_DOCUMENTS
            if many and name not in health["sites_matching_no_rule"]:
                out.append(f"  rule health: {name}: never fired: {', '.join(rules)}")
        generic = health["unused_generic_rules"]
        if generic and data["documents"] >= GENERIC_HEALTH_MIN_DOCUMENTS:
            named = ", ".join(generic[:TOP_UNUSED_GENERIC])
            more = ", ..." if len(generic) > TOP_UNUSED_GENERIC else ""
            out.append(
                f"  rule health: {_count(len(generic), 'generic rule')} never fired: {named}{more}"
            )
        return "\n".join(out) + "\n"


def _count(n: int, noun: str) -> str:
    """'1 document', '2 documents'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def silent_sites(data: dict[str, Any]) -> list[str]:
    """The sites of `BatchStats.to_dict` data whose rules removed no line in a batch of
    HEALTH_MIN_DOCUMENTS of their documents or more: the ones a summary names."""
    return [
        name
        for name in data["rule_health"]["sites_matching_no_rule"]
        if data["sites"][name]["documents"] >= HEALTH_MIN_DOCUMENTS
    ]


def rarely_matching_sites(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The sites of `BatchStats.to_dict` data whose most used rule removed lines in under
    RARE_SHARE of their documents, in a batch of HEALTH_MIN_DOCUMENTS of them or more."""
    rare = data["rule_health"].get("sites_rarely_matching", {})
    return {
        name: found
        for name, found in rare.items()
        if data["sites"][name]["documents"] >= HEALTH_MIN_DOCUMENTS
    }


def rarely_matching(found: dict[str, Any]) -> str:
    """What a summary says of a site in `sites_rarely_matching`."""
    return (
        f"its most used rule ({found['top_rule']}) removed lines in only "
        f"{found['top_rule_documents']} of {_count(found['documents'], 'document')} "
        "(did the layout change?)"
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
