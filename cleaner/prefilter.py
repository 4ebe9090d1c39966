"""A screen in front of the line rules: one combined regex rejects the lines no rule matches.

Most lines of an article are body paragraphs that no line rule matches. Trying each rule's
regex on each of them is the largest cost of cleaning; one search of a combined alternation
(the `regex` module accepts the same group name in several branches) answers "could any rule
match?" at a fraction of it. Lines that pass are checked rule by rule as before, so the
results are the same. A rule the screen cannot represent (no regex and no exact lines, or a
regex that does not combine) turns the screen off for its rule list.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from .rules import Rule
    from .text import Budget

# Refers to another group (a backreference or a conditional): branches would renumber groups.
# An escaped parenthesis followed by a group is a literal, not a conditional: the lookbehinds.
_BACKREFERENCE = regex.compile(r"\\[1-9]|(?<!\\)\(\?P=|\\g<|(?<!\\)\(\?\(")


class LineScreen:
    """Says which line rules could match a line: none for most body paragraphs.

    Rules with `max_words` cannot match longer lines, and body paragraphs are long, so the
    screen keeps one combined regex per word-count band: a long line is screened only against
    the rules that allow its length. The rules returned still run one by one, in order.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        # What of a line's context any rule looks at (zones, neighbours), for pass-to-pass reuse.
        self.uses_head = any(r.zone == "head" for r in rules)
        self.uses_tail = any(r.zone == "tail" for r in rules)
        self.uses_previous = any(r.preceded_by is not None for r in rules)
        self.uses_next = any(r.followed_by is not None for r in rules)
        self.active = all(r.exact or r.patterns for r in rules) and not any(
            _BACKREFERENCE.search(p.pattern) for r in rules for p in r.patterns
        )
        self.exact = {e for r in rules if not r.ignore_case for e in r.exact}
        self.exact_folded = {e for r in rules if r.ignore_case for e in r.exact}
        # Band i holds lines of more than limits[i-1] and at most limits[i] words.
        self.limits = sorted({r.max_words for r in rules if r.max_words is not None})
        self.bands: list[tuple[tuple[Rule, ...], regex.Pattern[str] | None]] = []
        for low in [0, *self.limits]:
            allowed = tuple(r for r in rules if r.max_words is None or r.max_words > low)
            self.bands.append((allowed, self._combine(allowed) if self.active else None))

    def _combine(self, rules: Sequence[Rule]) -> regex.Pattern[str] | None:
        branches = [
            f"(?{'i' if p.flags & regex.IGNORECASE else '-i'}:{p.pattern})"
            for r in rules
            for p in r.patterns
        ]
        if not branches:
            return None
        try:
            return regex.compile("|".join(branches), regex.V0)
        except regex.error:
            self.active = False
            return None

    def candidates(self, text: str, words: int, budget: Budget) -> tuple[Rule, ...]:
        """The rules worth trying on a line of `words` words, in order; () when none can match."""
        if not self.active:
            return self.rules
        allowed, combined = self.bands[bisect_left(self.limits, words)]
        if text in self.exact or (self.exact_folded and text.casefold() in self.exact_folded):
            return allowed
        if combined is not None and combined.search(text, timeout=budget.remaining()):
            return allowed
        return ()


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
