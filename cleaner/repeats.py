"""Cross-document repetition in a batch: a line many pages of one site share is furniture.

A footer the rules do not know yet ("Press TV's website can also be accessed at ...") shows up
verbatim under every article of its site. Counting, per site, how many *documents* hold each
line finds it; the count does not depend on record order, so the result is deterministic. The
batch summary lists what was found; `--learn-repeats` also removes those lines from the output.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from .normalize import QUOTE_CHARS, shorten, split_lines, word_count
from .text import is_body_like

MIN_DOCUMENTS = 5  # a line must recur in at least this many documents of one site...
MIN_SHARE = 0.2  # ...and in at least this share of the site's documents
MIN_CHARS = 12  # shorter lines ("Share", "Menu") are the rules' business, and too ambiguous
STORY_KEY_MIN_WORDS = 4  # a headline has this many words at least; a label or a time fewer
STORY_KEY_LINES = 3  # lines of a story key: past a banner and a "follow us" line, the headline
UNKNOWN_SITE = "(unknown site)"
RULE_ID = "batch.repeated-line"
KIND = "footer"


@dataclass(frozen=True, slots=True)
class RepeatedLine:
    """A line found verbatim in `documents` of the `total` documents of `site`."""

    site: str
    text: str
    documents: int
    total: int


def site_key(record_site: str | None, url: str | None) -> str:
    """The group a document is counted in: its site, else its URL's host without www."""
    if record_site:
        return record_site.lower()
    if url:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
        if host:
            return host.removeprefix("www.")
    return UNKNOWN_SITE


def find_repeats(
    documents: Iterable[tuple[str, str]],
    min_documents: int = MIN_DOCUMENTS,
    min_share: float = MIN_SHARE,
) -> list[RepeatedLine]:
    """Lines recurring across documents of one site, from (site key, text) pairs.

    The first line of each document (its headline) is not counted, and a document under a
    headline already counted for its site (see `story_key`) is not counted again: an article
    scraped twice shares every paragraph with itself, not with the site. Sorted by site, then
    by document count (most first), then by text.
    """
    holders: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    stories: dict[str, set[str]] = defaultdict(set)
    for site, text in documents:
        lines = split_lines(text)
        key = story_key([line.text for line in lines])
        if key in stories[site]:
            continue
        stories[site].add(key)
        totals[site] += 1
        holders[site].update({line.text for line in lines[1:] if len(line.text) >= MIN_CHARS})
    found = [
        RepeatedLine(site, line, count, totals[site])
        for site, counts in holders.items()
        for line, count in counts.items()
        if count >= min_documents and count >= min_share * totals[site]
    ]
    return sorted(found, key=lambda r: (r.site, -r.documents, r.text))


def story_key(lines: Sequence[str]) -> str:
    """What tells one story of a site from another: its first three lines of four words or
    more (a section label and a time open some sites' pages: "Economy", "1 hour ago"), so the
    headline under a banner and a "follow us" line every page shows counts too, and a page
    scraped again is the same story."""
    long_lines = (line for line in lines if word_count(line) >= STORY_KEY_MIN_WORDS)
    return "\n".join(islice(long_lines, STORY_KEY_LINES)).casefold()


def repeated_set(repeats: Iterable[RepeatedLine]) -> dict[str, frozenset[str]]:
    """The repeated lines of each site, for `strip_record`."""
    by_site: dict[str, set[str]] = defaultdict(set)
    for repeat in repeats:
        by_site[repeat.site].add(repeat.text)
    return {site: frozenset(lines) for site, lines in by_site.items()}


def summary_lines(
    repeats: list[RepeatedLine], removed: Counter[tuple[str, str]], limit: int = 20
) -> list[str]:
    """Human-readable lines for the batch summary: the repeated lines this run removed (the
    rules left them; `removed` counts, by site and line, the documents each left), then how
    many it did not: the rules remove them already (they need no new rule), or they sit
    inside the text."""
    new = [r for r in repeats if removed[r.site, r.text]]
    out = [
        f"repeated line: {r.site}: {r.documents}/{r.total} documents, removed from "
        f"{removed[r.site, r.text]}: {r.text[:100]}"
        for r in new[:limit]
    ]
    if len(new) > limit:
        out.append(f"repeated line: ... and {len(new) - limit} more")
    if others := len(repeats) - len(new):
        out.append(
            f"repeated line: {others} more that this run left to the rules or kept inside "
            "the text (see the batch_repeats_kept warnings)"
        )
    return out


def scan_records(
    records: Iterable[Mapping[str, Any]], text_field: str = "text"
) -> list[RepeatedLine]:
    """Repeated lines of a batch of JSONL records (the first pass of `--learn-repeats`)."""
    return find_repeats(
        (site_key(_str(record.get("site")), _str(record.get("url"))), record[text_field])
        for record in records
        if isinstance(record.get(text_field), str)
    )


def strip_record(
    out: dict[str, Any], record: Mapping[str, Any], by_site: Mapping[str, Collection[str]]
) -> dict[str, Any]:
    """A cleaned JSONL record without its site's repeated lines (fields kept consistent).

    `record` is the input record: its `site`/`url` give the same key `scan_records` used.
    `by_site` is `repeated_set`'s, or any mapping of a site key to its lines (sets or lists,
    as read back from JSON).
    """
    if "error" in out or not isinstance(out.get("paragraphs"), list):
        return out
    lines = by_site.get(site_key(_str(record.get("site")), _str(record.get("url"))))
    if not lines:
        return out
    paragraphs = out["paragraphs"]
    dropped_at = strippable(paragraphs, lines)
    kept = [p for n, p in enumerate(paragraphs) if n not in dropped_at]
    reused = [p for n, p in enumerate(paragraphs) if p in lines and n not in dropped_at]
    warnings = list(out.get("warnings") or [])
    if reused:
        warnings.append({"code": "batch_repeats_kept", "message": _reused_message(reused)})
    if not dropped_at:
        return {**out, "warnings": warnings} if reused else out
    if not kept or (not any(map(is_body_like, kept)) and any(map(is_body_like, paragraphs))):
        # Every paragraph of the text is on the site's other pages: an article the batch
        # holds more than once under other headlines, not furniture. Never a text cut down
        # to its headline. (Most of its paragraphs is no sign: a short brief over a footer
        # of three sentences is one too.)
        message = (
            f"kept {len(dropped_at)} line(s) found on other pages of the site: "
            "they are all of its paragraphs (the same article scraped again?)"
        )
        return {**out, "warnings": [*warnings, {"code": "batch_repeats_kept", "message": message}]}
    removed = list(out.get("removed") or [])
    original = out.get("original_text")
    dropped = [p for n, p in enumerate(paragraphs) if n in dropped_at]
    numbers = _line_numbers(
        original if isinstance(original, str) else "",
        dropped,
        {r.get("line") for r in removed if isinstance(r, dict)},
    )
    removed += [
        {"line": no, "text": p, "rule": RULE_ID, "kind": KIND}
        for p, no in zip(dropped, numbers, strict=True)
    ]
    new = dict(out)
    new["paragraphs"] = kept
    new["body"] = "\n\n".join(kept)
    new["text"] = "\n\n".join([out.get("title") or "", *kept]).lstrip("\n") + "\n"
    new["removed"] = sorted(removed, key=lambda r: r.get("line") or 0)
    if warnings:
        new["warnings"] = warnings
    return new


def strippable(paragraphs: Sequence[str], lines: Collection[str]) -> set[int]:
    """The positions of the paragraphs `strip_record` removes: the site's repeated `lines`
    that sit at an edge of the text, in the run of them right under the headline or in the
    run that ends it (a header or a footer). One inside the text, between paragraphs of its
    own, is a paragraph the site reuses (a running story's background) or a crosshead its
    columns share ("Market outlook for the week"), and stays."""
    repeated = [p in lines for p in paragraphs]
    head = next((n for n, hit in enumerate(repeated) if not hit), len(paragraphs))
    tail = next((n for n in range(len(paragraphs), 0, -1) if not repeated[n - 1]), 0)
    return {n for n, hit in enumerate(repeated) if hit and (n < head or n >= tail)}


def _reused_message(reused: list[str]) -> str:
    quote = shorten(reused[0], QUOTE_CHARS)
    return (
        f"kept {len(reused)} line(s) found on other pages of the site inside the text "
        f"(background or a crosshead the site reuses?): {quote!r}"
    )


def _line_numbers(original: str, texts: list[str], taken: set[Any]) -> list[int]:
    """The input line of each kept paragraph in `texts`, in order: the first line of the
    original text with that text that no removal holds yet (0 when the input text is not in
    the record: an HTML page's lines are those extracted from it)."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for line in split_lines(original):
        if line.no not in taken:
            numbers[line.text].append(line.no)
    return [numbers[text].pop(0) if numbers[text] else 0 for text in texts]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
