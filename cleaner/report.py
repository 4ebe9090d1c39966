"""The review report: one self-contained HTML page showing what cleaner removed, and why.

The page has no external resources (inline CSS, JavaScript and SVG, and a content security
policy that forbids loading anything), so it works from disk and can be mailed around. Every
piece of text from a document or a rule is escaped. Documents come in as the JSON fields of a
result (`CleanResult.to_dict()`, or a cleaned JSONL record), so text, HTML and JSONL inputs
are reported the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from . import __version__
from .explain import rule_reason
from .model import KINDS
from .normalize import split_lines, word_count
from .rules import Rule
from .stats import SILENT_SITE, rarely_matching

NO_SITE = "(generic)"  # group name of documents no site rule file matched
ERROR_SITE = "(error)"  # group name of documents that could not be cleaned
CHART_WIDTH = 760
CHART_LABEL_WIDTH = 300
CHART_BAR_MAX = 380
CHART_ROW = 20
CHART_SITE_ROW = 26
# Bar and tag colours by removal kind; kinds not listed share the last colour.
KIND_COLORS = {
    "caption": "#2b6cb0",
    "credit": "#2b6cb0",
    "other-story": "#c53030",
    "duplicate": "#805ad5",
    "byline": "#2f855a",
    "dateline": "#2f855a",
    "timestamp": "#2f855a",
    "share": "#b7791f",
    "counter": "#b7791f",
    "footer": "#b7791f",
    "label": "#b7791f",
}
OTHER_KIND_COLOR = "#4a5568"
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { --fg:#1a202c; --muted:#5a6578; --line:#e2e8f0; --bg:#fff; --rm:#fff5f5; --rmfg:#9b2c2c; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 1400px; background: var(--bg); }
h1 { font-size: 1.5rem; margin: .2rem 0 .6rem; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .5rem; }
h3 { font-size: .95rem; margin: .6rem 0 .3rem; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .7rem .25rem 0; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.filters { position: sticky; top: 0; z-index: 2; background: #f7fafc; border: 1px solid var(--line);
  border-radius: 6px; padding: .5rem .8rem; margin: 1rem 0; display: flex; flex-wrap: wrap;
  gap: .4rem 1.2rem; align-items: center; }
.filters label { font-size: .9rem; }
.filters select { font: inherit; font-size: .9rem; max-width: 22rem; }
.doc { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0; padding: .6rem 1rem;
  scroll-margin-top: 4rem; }
.doc[hidden] { display: none; }
.doc header { display: flex; flex-wrap: wrap; gap: .3rem .8rem; align-items: baseline; }
.doc header h2 { margin: 0; font-size: 1.05rem; word-break: break-all; }
.chip { display: inline-block; font-size: .78rem; padding: 0 .45rem; border-radius: 9px;
  background: #edf2f7; color: var(--fg); white-space: nowrap; }
.chip.warn { background: #fefcbf; color: #744210; }
.chip.err { background: #fed7d7; color: #822727; }
.cols { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.2rem; }
.lines { font-size: .88rem; border-top: 1px solid var(--line); }
.ln { display: grid; grid-template-columns: 3rem minmax(0, 1fr); gap: .5rem; padding: .12rem 0;
  border-bottom: 1px solid #f1f4f8; }
.ln .no { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
.ln.rm { background: var(--rm); }
.ln.rm del { color: var(--rmfg); text-decoration: line-through; }
.ln.focus { outline: 2px solid #d69e2e; }
.tag { display: inline-block; margin-left: .4rem; font-size: .75rem; padding: 0 .4rem;
  border-radius: 4px; color: #fff; background: var(--k, #4a5568); cursor: help;
  text-decoration: none; white-space: nowrap; }
.cap { display: block; font-size: .8rem; color: #744210; }
.cleaned p { margin: 0 0 .55rem; }
.cleaned p.title { font-weight: 600; font-size: 1rem; }
.error { color: #822727; font-weight: 600; }
.warnings li { color: #744210; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg text.site { font-weight: 600; font-size: 13px; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  .filters, .noprint { display: none; }
  .doc { break-inside: auto; border: none; border-top: 2px solid #000; border-radius: 0; }
  .cols { grid-template-columns: 1fr; }
  .ln { break-inside: avoid; }
  .ln.rm { background: none; }
  .tag { color: #000; background: none; border: 1px solid #000; }
  a { color: inherit; text-decoration: none; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var docs = Array.prototype.slice.call(document.querySelectorAll(".doc"));
  var site = document.getElementById("f-site");
  var rule = document.getElementById("f-rule");
  var warn = document.getElementById("f-warning");
  var shown = document.getElementById("f-count");
  function has(list, item) { return (" " + list + " ").indexOf(" " + item + " ") >= 0; }
  function visible(doc) {
    var d = doc.dataset;
    if (site.value && d.site !== site.value) return false;
    if (rule.value && !has(d.rules, rule.value)) return false;
    if (warn.value === "+any") return d.warnings !== "";
    if (warn.value === "+none") return d.warnings === "";
    if (warn.value === "+error") return d.error === "1";
    return !warn.value || has(d.warnings, warn.value);
  }
  function apply() {
    var count = 0;
    docs.forEach(function (doc) {
      var ok = visible(doc);
      doc.hidden = !ok;
      if (ok) count += 1;
      doc.querySelectorAll(".ln.rm").forEach(function (ln) {
        ln.classList.toggle("focus", !!rule.value && ln.dataset.rule === rule.value);
      });
    });
    shown.textContent = count + " of " + docs.length + " documents shown";
  }
  [site, rule, warn].forEach(function (el) { el.addEventListener("change", apply); });
  document.getElementById("f-reset").addEventListener("click", function () {
    site.value = ""; rule.value = ""; warn.value = ""; apply();
  });
  apply();
})();
"""


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """One document of a report: its name, input text, and result fields or error.

    `fields` are the JSON fields of a result (`CleanResult.to_dict()`); `original` is the input
    text the removal line numbers refer to (None for HTML input, whose lines come from the
    extracted text). A document that could not be cleaned has `error` and no `fields`.
    """

    name: str
    original: str | None
    fields: Mapping[str, Any] | None
    error: str | None = None

    @property
    def group(self) -> str:
        """The site this document is counted under in the summary."""
        if self.fields is None:
            return ERROR_SITE
        return self.fields.get("site") or NO_SITE

    @property
    def removed(self) -> list[Mapping[str, Any]]:
        return list(self.fields.get("removed", [])) if self.fields else []

    @property
    def warning_codes(self) -> list[str]:
        return [w["code"] for w in self.fields.get("warnings", [])] if self.fields else []

    def input_words(self) -> int:
        """Words of the input (for HTML input: of the extracted text)."""
        if self.original is not None:
            return word_count(self.original)
        removed = sum(word_count(r.get("text", "")) for r in self.removed)
        return removed + word_count(self.fields.get("text", "")) if self.fields else 0

    def removed_words(self) -> int:
        return sum(word_count(r.get("text", "")) for r in self.removed)


@dataclass(frozen=True, slots=True)
class SiteStats:
    """Per-site totals for the summary table and the chart."""

    site: str
    documents: int
    input_words: int
    removed_words: int
    removed_lines: int
    warnings: int
    errors: int
    rule_hits: tuple[tuple[str, str, int], ...]  # (rule id, kind, hits), most hits first

    @property
    def removed_share(self) -> float:
        return self.removed_words / self.input_words if self.input_words else 0.0


def site_stats(documents: Sequence[ReportDocument]) -> list[SiteStats]:
    """Totals per site, sites sorted by name (the generic and error groups last)."""
    groups: dict[str, list[ReportDocument]] = defaultdict(list)
    for doc in documents:
        groups[doc.group].append(doc)
    stats = []
    for site in sorted(groups, key=lambda s: (s.startswith("("), s)):
        docs = groups[site]
        hits: Counter[tuple[str, str]] = Counter(
            (r["rule"], r["kind"]) for doc in docs for r in doc.removed
        )
        stats.append(
            SiteStats(
                site=site,
                documents=len(docs),
                input_words=sum(d.input_words() for d in docs),
                removed_words=sum(d.removed_words() for d in docs),
                removed_lines=sum(len(d.removed) for d in docs),
                warnings=sum(len(d.warning_codes) for d in docs),
                errors=sum(1 for d in docs if d.error),
                rule_hits=tuple(
                    (rule, kind, n)
                    for (rule, kind), n in sorted(hits.items(), key=lambda h: (-h[1], h[0]))
                ),
            )
        )
    return stats


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _kind_color(kind: str) -> str:
    return KIND_COLORS.get(kind, OTHER_KIND_COLOR)


def _rule_title(rule_id: str, rules: Mapping[str, Rule]) -> str:
    rule = rules.get(rule_id)
    if rule is None:
        return rule_reason(rule_id, rules) or rule_id
    return f"{rule.description} ({rule.source})"


def chart_svg(stats: Sequence[SiteStats], rules: Mapping[str, Rule]) -> str:
    """A horizontal bar chart of rule hits, grouped by site, as inline SVG."""
    rows = [s for s in stats if s.rule_hits]
    if not rows:
        return '<p class="muted">No rule removed anything.</p>'
    top = max(n for s in rows for _, _, n in s.rule_hits)
    parts = []
    y = 0
    for stat in rows:
        y += CHART_SITE_ROW
        parts.append(f'<text class="site" x="0" y="{y - 8}">{_e(stat.site)}</text>')
        for rule_id, kind, hits in stat.rule_hits:
            width = max(2, round(CHART_BAR_MAX * hits / top))
            parts.append(
                f"<g><title>{_e(rule_id)} ({_e(kind)}): {hits} line(s) removed on "
                f"{_e(stat.site)} - {_e(_rule_title(rule_id, rules))}</title>"
                f'<text x="12" y="{y + 14}">{_e(rule_id)}</text>'
                f'<rect x="{CHART_LABEL_WIDTH}" y="{y + 3}" width="{width}" '
                f'height="{CHART_ROW - 6}" rx="2" fill="{_kind_color(kind)}"></rect>'
                f'<text x="{CHART_LABEL_WIDTH + width + 6}" y="{y + 14}">{hits}</text></g>'
            )
            y += CHART_ROW
    height = y + 6
    return (
        f'<svg role="img" aria-label="Rule hits per site" width="{CHART_WIDTH}" '
        f'height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _legend(stats: Sequence[SiteStats]) -> str:
    kinds = sorted({kind for s in stats for _, kind, _ in s.rule_hits})
    items = [
        f'<span class="tag" style="--k:{_kind_color(k)}">{_e(k)}</span>'
        for k in kinds
        if k in KINDS
    ]
    return f'<p class="muted">Kinds: {" ".join(items)}</p>' if items else ""


def _summary(documents: Sequence[ReportDocument], stats: Sequence[SiteStats]) -> str:
    total_in = sum(s.input_words for s in stats)
    total_rm = sum(s.removed_words for s in stats)
    errors = sum(s.errors for s in stats)
    warnings = sum(s.warnings for s in stats)
    sites = [s for s in stats if s.site not in (ERROR_SITE,)]
    share = f"{100 * total_rm / total_in:.1f}%" if total_in else "0%"
    rows = "".join(
        f"<tr><td>{_e(s.site)}</td><td class=num>{s.documents}</td>"
        f"<td class=num>{s.removed_lines}</td><td class=num>{100 * s.removed_share:.1f}%</td>"
        f"<td class=num>{s.warnings}</td><td class=num>{s.errors}</td></tr>"
        for s in stats
    )
    return (
        f'<p id="totals"><b>{len(documents)}</b> document(s) · <b>{len(sites)}</b> site group(s) · '
        f"<b>{share}</b> of input words removed · <b>{warnings}</b> warning(s) · "
        f"<b>{errors}</b> error(s)</p>"
        '<table id="sites"><thead><tr><th>site</th><th class=num>documents</th>'
        "<th class=num>lines removed</th><th class=num>words removed</th>"
        "<th class=num>warnings</th><th class=num>errors</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _health(health: Mapping[str, Any], rules: Mapping[str, Rule]) -> str:
    """The rule health of the batch (`BatchStats.rule_health`): sites none of whose rules
    removed a line, or each only in a few documents, and each site's rules that never fired."""
    items = [
        f"<li><b>{_e(site)}</b>: {_e(SILENT_SITE)}</li>"
        for site in health.get("sites_matching_no_rule", [])
    ]
    items += [
        f"<li><b>{_e(site)}</b>: {_e(rarely_matching(found))}</li>"
        for site, found in health.get("sites_rarely_matching", {}).items()
    ]
    for site, unused in health.get("unused_site_rules", {}).items():
        names = ", ".join(
            f'<span title="{_e(_rule_title(r, rules))}">{_e(r)}</span>' for r in unused
        )
        items.append(f"<li><b>{_e(site)}</b>: never fired: {names}</li>")
    if not items:
        return '<p class="muted">Every site rule fired in this batch.</p>'
    return (
        '<p class="muted">A rule that never fires over a site\'s batch may be stale: the site '
        "may have changed its layout.</p>"
        f'<ul id="health">{"".join(items)}</ul>'
    )


def _options(values: Iterable[tuple[str, str]], first: str) -> str:
    out = [f'<option value="">{_e(first)}</option>']
    out += [f'<option value="{_e(v)}">{_e(label)}</option>' for v, label in values]
    return "".join(out)


def _filters(documents: Sequence[ReportDocument], stats: Sequence[SiteStats]) -> str:
    sites = [(s.site, f"{s.site} ({s.documents})") for s in stats]
    hits = Counter(r["rule"] for d in documents for r in d.removed)
    rules = [(r, f"{r} ({hits[r]})") for r in sorted(hits)]
    codes = Counter(c for d in documents for c in d.warning_codes)
    warnings = [
        ("+any", "with any warning"),
        ("+none", "without warnings"),
        ("+error", "with an error"),
    ] + [(c, f"{c} ({codes[c]})") for c in sorted(codes)]
    return (
        '<div class="filters" role="search">'
        f'<label>Site <select id="f-site">{_options(sites, "all sites")}</select></label>'
        f'<label>Rule <select id="f-rule">{_options(rules, "any rule")}</select></label>'
        '<label>Warnings <select id="f-warning">'
        f"{_options(warnings, 'all documents')}</select></label>"
        '<button type="button" id="f-reset">Show all</button>'
        '<span id="f-count" class="muted"></span></div>'
    )


def _removal_tag(removal: Mapping[str, Any], rules: Mapping[str, Rule]) -> str:
    rule_id, kind = removal["rule"], removal["kind"]
    captured = removal.get("captured") or {}
    caps = "".join(
        f'<span class="cap">captured {_e(field)}: {_e(value)}</span>'
        for field, value in captured.items()
    )
    return (
        f'<span class="tag" style="--k:{_kind_color(kind)}" '
        f'title="{_e(_rule_title(rule_id, rules))}">{_e(rule_id)} · {_e(kind)}</span>{caps}'
    )


def _line_row(no: int, text: str, removal: Mapping[str, Any] | None, rules: Mapping) -> str:
    if removal is None:
        return f'<div class="ln"><span class="no">{no}</span><span>{_e(text)}</span></div>'
    return (
        f'<div class="ln rm" data-rule="{_e(removal["rule"])}"><span class="no">{no}</span>'
        f'<span><del title="{_e(_rule_title(removal["rule"], rules))}">{_e(text)}</del>'
        f"{_removal_tag(removal, rules)}</span></div>"
    )


def _input_lines(doc: ReportDocument, rules: Mapping[str, Rule]) -> str:
    by_line: dict[int, Mapping[str, Any]] = {r["line"]: r for r in doc.removed}
    if doc.original is None:
        # HTML input: the lines are the extracted text, which the result does not carry.
        rows = "".join(_line_row(r["line"], r.get("text", ""), r, rules) for r in doc.removed)
        note = '<p class="muted">HTML input: removed lines of the extracted text.</p>'
        return note + f'<div class="lines">{rows}</div>'
    rows = "".join(
        _line_row(line.no, line.text, by_line.get(line.no), rules)
        for line in split_lines(doc.original)
    )
    return f'<div class="lines">{rows}</div>'


def _metadata(fields: Mapping[str, Any]) -> str:
    meta = fields.get("metadata") or {}
    rows = []
    for name, value in meta.items():
        if not value:
            continue
        if name == "captions":
            shown = "".join(
                f"<li>{_e(c.get('text', ''))}"
                + (f' <span class="muted">({_e(c["credit"])})</span>' if c.get("credit") else "")
                + "</li>"
                for c in value
            )
            rows.append(f"<tr><th>captions</th><td><ul>{shown}</ul></td></tr>")
        else:
            shown = ", ".join(value) if isinstance(value, list) else value
            rows.append(f"<tr><th>{_e(name)}</th><td>{_e(shown)}</td></tr>")
    notes = "".join(
        f"<li>line {_e(str(n.get('line')))}, {_e(n.get('rule', ''))}: "
        + _e(", ".join(f"{k} = {v}" for k, v in (n.get("captured") or {}).items()))
        + "</li>"
        for n in fields.get("noted") or []
    )
    if notes:  # read from kept lines: the text stays, the rule is named
        rows.append(f"<tr><th>noted in the text</th><td><ul>{notes}</ul></td></tr>")
    if not rows:
        return '<p class="muted">No metadata captured.</p>'
    return f'<table class="meta">{"".join(rows)}</table>'


def _cleaned(fields: Mapping[str, Any]) -> str:
    title = fields.get("title") or ""
    paragraphs = fields.get("paragraphs") or []
    out = [f'<p class="title">{_e(title)}</p>'] if title else []
    out += [f"<p>{_e(p)}</p>" for p in paragraphs]
    return f'<div class="cleaned">{"".join(out) or "<p class=muted>(empty)</p>"}</div>'


def _document(index: int, doc: ReportDocument, rules: Mapping[str, Rule]) -> str:
    rule_ids = " ".join(sorted({r["rule"] for r in doc.removed}))
    codes = " ".join(sorted(set(doc.warning_codes)))
    attrs = (
        f'id="doc-{index}" class="doc" data-site="{_e(doc.group)}" data-rules="{_e(rule_ids)}" '
        f'data-warnings="{_e(codes)}" data-error="{1 if doc.error else 0}"'
    )
    name = f"<h2>{_e(doc.name)}</h2>"
    if doc.fields is None:
        return (
            f'<section {attrs}><header>{name}<span class="chip err">error</span></header>'
            f'<p class="error">{_e(doc.error or "could not be cleaned")}</p></section>'
        )
    fields = doc.fields
    chips = [
        f'<span class="chip">{_e(doc.group)}</span>',
        f'<span class="chip">found by {_e(fields.get("site_source", "?"))}</span>',
        f'<span class="chip">language {_e(fields.get("language") or "unknown")}</span>',
        f'<span class="chip">{len(doc.removed)} line(s) removed</span>',
    ]
    chips += [f'<span class="chip warn">{_e(c)}</span>' for c in doc.warning_codes]
    warnings = fields.get("warnings") or []
    warning_list = (
        '<ul class="warnings">'
        + "".join(f"<li><b>{_e(w['code'])}</b>: {_e(w['message'])}</li>" for w in warnings)
        + "</ul>"
        if warnings
        else ""
    )
    return (
        f"<section {attrs}><header>{name}{''.join(chips)}</header>{warning_list}"
        f'<div class="cols"><div><h3>Input</h3>{_input_lines(doc, rules)}</div>'
        f"<div><h3>Metadata</h3>{_metadata(fields)}"
        f"<h3>Cleaned text</h3>{_cleaned(fields)}</div></div></section>"
    )


def build_report(
    documents: Sequence[ReportDocument],
    rules: Mapping[str, Rule],
    title: str = "cleaner report",
    health: Mapping[str, Any] | None = None,
) -> str:
    """The whole report as one HTML page (a string); `health` is the batch's rule health
    (`BatchStats.rule_health`), shown when given."""
    stats = site_stats(documents)
    body = "".join(_document(i, doc, rules) for i, doc in enumerate(documents, start=1))
    health_section = "" if health is None else f"<h2>Rule health</h2>{_health(health, rules)}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{_e(title)}</h1><p class="muted">Made by cleaner {_e(__version__)}. '
        "Struck-through lines were removed; hover a tag for the rule's reason.</p>"
        f"<h2>Summary</h2>{_summary(documents, stats)}"
        f'<h2>Rule hits per site</h2><div class="chart">{chart_svg(stats, rules)}</div>'
        f"{_legend(stats)}"
        f"{health_section}"
        f"<h2>Documents</h2>{_filters(documents, stats)}{body}"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
