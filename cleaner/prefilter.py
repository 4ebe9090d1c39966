"""A screen in front of the line rules: one combined regex rejects the lines no rule matches.

Most lines of an article are body paragraphs that no line rule matches. Trying each rule's
regex on each of them is the largest cost of cleaning; one search of a combined alternation
(the `regex` module accepts the same group name in several branches) answers "could any rule
match?" at a fraction of it. Lines that pass are checked rule by rule as before, so the
results are the same. A rule the screen cannot represent (no regex and no exact lines, or a
regex that does not combine) turns the screen off for its rule list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from .rules import Rule
    from .text import Budget

# Refers to another group (a backreference or a conditional): branches would renumber groups.
_BACKREFERENCE = regex.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?\(")


class LineScreen:
    """Says whether any of a list of line rules could match a line (exact lines or regexes)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.active = True
        self.exact: set[str] = set()
        self.exact_folded: set[str] = set()
        branches = []
        for rule in rules:
            if not rule.exact and not rule.patterns:
                self.active = False
            (self.exact_folded if rule.ignore_case else self.exact).update(rule.exact)
            for pattern in rule.patterns:
                if _BACKREFERENCE.search(pattern.pattern):
                    self.active = False
                flags = "i" if pattern.flags & regex.IGNORECASE else "-i"
                branches.append(f"(?{flags}:{pattern.pattern})")
        self.combined: regex.Pattern[str] | None = None
        if branches and self.active:
            try:
                self.combined = regex.compile("|".join(branches), regex.V0)
            except regex.error:
                self.active = False

    def may_match(self, text: str, budget: Budget) -> bool:
        """False only when no rule of the list can match `text`."""
        if not self.active:
            return True
        if text in self.exact or (self.exact_folded and text.casefold() in self.exact_folded):
            return True
        return bool(self.combined and self.combined.search(text, timeout=budget.remaining()))


class ScreenCache:
    """One `LineScreen` per distinct rule list (a site and language pick one); thread-safe."""

    def __init__(self) -> None:
        # Keyed by the rules' identities; the value keeps the rules alive, so ids stay unique.
        self._screens: dict[tuple[int, ...], tuple[tuple[Rule, ...], LineScreen]] = {}

    def get(self, rules: Sequence[Rule]) -> LineScreen:
        key = tuple(id(rule) for rule in rules)
        found = self._screens.get(key)
        if found is None:
            found = (tuple(rules), LineScreen(rules))
            self._screens[key] = found  # a race only builds the same screen twice
        return found[1]
