"""Human-readable explanations of what a cleaning run removed and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import CAPTION_GROUPS, CleanResult, Line, Note, Removal
from .normalize import shorten
from .rules import HTML_STRIP_RULE, Rule

_COLORS = {
    "removed": "\033[31m",
    "rule": "\033[36m",
    "meta": "\033[33m",
    "dim": "\033[2m",
    "kept": "\033[32m",
    "struck": "\033[9;31m",
}
_RESET = "\033[0m"
_PREVIEW = 90
# Line verdicts of `explain_lines`, and the colour each is shown in.
KEPT, HEADLINE, REMOVED, CAPTURED = "kept", "headline", "removed", "captured"
_VERDICT_STYLE = {KEPT: "kept", HEADLINE: "kept", REMOVED: "removed", CAPTURED: "meta"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_COLORS[style]}{text}{_RESET}" if color else text


def _preview(text: str) -> str:
    return shorten(text, _PREVIEW)


# How the site of a result was found (CleanResult.site_source), as a reader would say it.
_SITE_SOURCES = {
    "option": "as given",
    "url": "from the URL",
    "fingerprint": "recognized from the text",
}


# The reason given for the blocks a site's `html.strip` selectors remove (no Rule stands for
# them: the rule id is the site's, e.g. "dawn.com.html.strip").
HTML_STRIP_REASON = (
    "a block of the page that one of the site's html.strip selectors names (share bar, related "
    "stories, comments...), removed before the text was extracted"
)
_HTML_STRIP_SUFFIX = HTML_STRIP_RULE.format(site="")


def rule_reason(rule_id: str, rules: Mapping[str, Rule]) -> str | None:
    """Why a rule removes what it removes: its description, or None for an unknown id."""
    rule = rules.get(rule_id)
    if rule is not None:
        return rule.description
    return HTML_STRIP_REASON if rule_id.endswith(_HTML_STRIP_SUFFIX) else None


def site_phrase(result: CleanResult) -> str:
    """ "site dawn.com (recognized from the text)", or what ran instead of a site's rules: the
    generic ones, as asked (`--site generic`) or because no site was recognized."""
    if result.site is None and result.site_source == "option":
        return "no site rules (generic rules only, as asked)"
    if result.site is None:
        return (
            "site not recognized: generic rules only (--site or --url picks a site's rules; "
            "cleaner rules new adds a site)"
        )
    how = _SITE_SOURCES.get(result.site_source, result.site_source)
    if result.site_source == "url" and result.input_format == "html":
        how = "from the page's URL: the one given, or its own link"  # none may have been given
    return f"site {result.site} ({how})"


def explain(
    result: CleanResult, rules: Mapping[str, Rule], name: str = "", color: bool = False
) -> str:
    """One line per removed input line, in line order: line number, kind, rule id and the
    rule's reason (once per rule)."""
    head = f"{name}: " if name else ""
    out = [
        f"{head}{len(result.removed)} line(s) removed; {site_phrase(result)}; "
        f"language {result.language or 'unknown'}"
    ]
    hits: list[tuple[str, Removal | Note]] = [("removed", r) for r in result.removed]
    hits += [("meta", n) for n in result.noted]
    hits.sort(key=lambda hit: hit[1].line)
    labels = [hit.kind if style == "removed" else "kept, noted" for style, hit in hits]
    width = max((len(hit.rule) for _, hit in hits), default=0)
    label_width = max((len(label) for label in labels), default=0)
    explained: set[str] = set()
    for (style, hit), label in zip(hits, labels, strict=True):
        why = rule_reason(hit.rule, rules) if hit.rule not in explained else None
        explained.add(hit.rule)
        where = f"L{hit.line}" if hit.line else "page"  # line 0: a block of an HTML page
        out.append(
            f"  {where:<5} {_paint(label.ljust(label_width), style, color)} "
            f"{_paint(hit.rule.ljust(width), 'rule', color)}  {_preview(hit.text)}"
        )
        indent = " " * (8 + label_width)
        if why:
            out.append(_paint(f"{indent} why: {why}", "dim", color))
        for field, value in hit.captured:
            out.append(_paint(f"{indent} -> {field}: {_preview(value)}", "meta", color))
    out += metadata_lines(result, color)
    for warning in result.warnings:
        out.append(f"  warning {warning.code}: {warning.message}")
    return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """What happened to one input line: kept (as the headline or body), removed, or captured."""

    no: int
    text: str
    verdict: str
    removal: Removal | None = None

    @property
    def fields(self) -> list[str]:
        """The metadata fields this line went to (caption groups go to `captions`)."""
        if self.removal is None:
            return []
        names = [name for name, _ in self.removal.captured]
        out = ["captions"] if CAPTION_GROUPS & set(names) else []
        return out + [n for n in names if n not in CAPTION_GROUPS]


def line_verdicts(lines: Sequence[Line], result: CleanResult) -> list[LineVerdict]:
    """The verdict on each input line, in input order (the first kept line is the headline)."""
    removed = {r.line: r for r in result.removed}
    verdicts = []
    headline_seen = False
    for line in lines:
        removal = removed.get(line.no)
        if removal is None:
            verdict = KEPT if headline_seen else HEADLINE
            headline_seen = True
        else:
            verdict = CAPTURED if removal.captured else REMOVED
        verdicts.append(LineVerdict(line.no, line.text, verdict, removal))
    return verdicts


def _verdict_detail(item: LineVerdict, rules: Mapping[str, Rule], color: bool) -> list[str]:
    """The indented lines under a removed line: rule, kind, reason, captured values."""
    if item.removal is None:
        return []
    fields = ", ".join(item.fields)
    return _hit_detail(
        f"captured as metadata field {fields} by" if fields else "removed by",
        item.removal,
        rules,
        color,
    )


def _hit_detail(
    heading: str, hit: Removal | Note, rules: Mapping[str, Rule], color: bool
) -> list[str]:
    """The indented lines under a line a rule acted on: rule, kind, reason, captured values."""
    pad = " " * 16
    out = [f"{pad}{heading} rule {_paint(hit.rule, 'rule', color)} ({hit.kind})"]
    if (why := rule_reason(hit.rule, rules)) is not None:
        out.append(_paint(f"{pad}why: {why}", "dim", color))
    for name, value in hit.captured:
        out.append(_paint(f"{pad}{name} = {value!r}", "meta", color))
    return out


def metadata_lines(result: CleanResult, color: bool = False) -> list[str]:
    """The result's metadata, one line per field and one per caption with its words: an HTML
    page's captions come from its markup, shown nowhere else."""
    out = []
    for field, value in result.metadata.to_dict().items():
        if not value:
            continue
        if field != "captions":
            out.append(_paint(f"  metadata {field}: {value}", "meta", color))
            continue
        for caption in value:
            credit = f" (credit: {caption['credit']})" if caption.get("credit") else ""
            shown = f"{_preview(caption.get('text') or '')}{credit}"
            out.append(_paint(f"  metadata caption: {shown}", "meta", color))
    return out


def explain_lines(
    lines: Sequence[Line] | None,
    result: CleanResult,
    rules: Mapping[str, Rule],
    name: str = "",
    color: bool = False,
    full: bool = False,
) -> str:
    """Each input line with its verdict, then the warnings.

    `lines` are the input lines the removals refer to; None for HTML input, whose extracted
    lines the result does not carry: then the removed lines are listed, then the kept text.
    """
    head = f"{name}: " if name else ""
    out = [
        f"{head}{site_phrase(result)}, "
        f"language {result.language or 'unknown'}, {len(result.removed)} line(s) removed"
    ]

    def show(text: str, verdict: str) -> str:
        text = text if full or verdict != KEPT else _preview(text)
        return _paint(text, "struck", color) if verdict in (REMOVED, CAPTURED) else text

    if lines is None:
        out.append(
            "  (HTML input: a numbered line is a line of the extracted text; '-' marks a block "
            "removed from the page before extraction, or a line of the kept text. What the "
            "extractor left out of the page, such as menus and footers, is not listed)"
        )
        items = [
            LineVerdict(r.line, r.text, CAPTURED if r.captured else REMOVED, r)
            for r in result.removed
        ]
        kept = [result.title, *result.paragraphs] if result.title else list(result.paragraphs)
        items += [LineVerdict(0, text, HEADLINE if i == 0 else KEPT) for i, text in enumerate(kept)]
    else:
        items = line_verdicts(lines, result)
    notes = {note.line: note for note in result.noted}
    for item in items:
        number = f"{item.no:>5}" if item.no else "    -"
        label = _paint(f"{item.verdict:<9}", _VERDICT_STYLE[item.verdict], color)
        out.append(f"{number}  {label} {show(item.text, item.verdict)}")
        out.extend(_verdict_detail(item, rules, color))
        if item.verdict in (KEPT, HEADLINE) and item.no in notes:
            note = notes[item.no]
            fields = ", ".join(name for name, _ in note.captured)
            out.extend(_hit_detail(f"kept; metadata field {fields} noted by", note, rules, color))
    if lines is None:  # a text's metadata is on its lines; a page's may come from its markup
        out += metadata_lines(result, color)
    for warning in result.warnings:
        out.append(f"  warning {warning.code}: {warning.message}")
    return "\n".join(out) + "\n"
