"""Human-readable explanations of what a cleaning run removed and why."""

from __future__ import annotations

from collections.abc import Mapping

from .model import CleanResult
from .rules import Rule

_COLORS = {
    "removed": "\033[31m",
    "rule": "\033[36m",
    "meta": "\033[33m",
    "dim": "\033[2m",
    "kept": "\033[32m",
}
_RESET = "\033[0m"
_PREVIEW = 90


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_COLORS[style]}{text}{_RESET}" if color else text


def _preview(text: str) -> str:
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"


def explain(
    result: CleanResult, rules: Mapping[str, Rule], name: str = "", color: bool = False
) -> str:
    """One line per removed input line: line number, kind, rule id and the rule's reason."""
    site = result.site or "no site rules"
    head = f"{name}: " if name else ""
    out = [
        f"{head}{len(result.removed)} line(s) removed; "
        f"site {site} (found by {result.site_source}); "
        f"language {result.language or 'unknown'}"
    ]
    width = max((len(r.rule) for r in result.removed), default=0)
    for removal in result.removed:
        rule = rules.get(removal.rule)
        why = rule.description if rule else ""
        out.append(
            f"  L{removal.line:<4} {_paint(f'{removal.kind:<11}', 'removed', color)} "
            f"{_paint(removal.rule.ljust(width), 'rule', color)}  {_preview(removal.text)}"
        )
        if why:
            out.append(_paint(f"        {'':11} why: {why}", "dim", color))
        for field, value in removal.captured:
            out.append(_paint(f"        {'':11} -> {field}: {_preview(value)}", "meta", color))
    meta = {k: v for k, v in result.metadata.to_dict().items() if v}
    for field, value in meta.items():
        shown = value if field != "captions" else f"{len(value)} caption(s)"
        out.append(_paint(f"  metadata {field}: {shown}", "meta", color))
    for warning in result.warnings:
        out.append(f"  warning {warning.code}: {warning.message}")
    return "\n".join(out) + "\n"
