"""A screen in front of the line rules: which rules could match a line, in one pass.

Most lines of an article are body paragraphs that no line rule matches, and trying each rule's
regex on each line is the largest cost of cleaning. The rule regexes are compiled into RE2
sets (google-re2): one for the generic packs, one per site. A set scans a line once, in
linear time, and names every pattern that matches somewhere in it; a plan asks the generic
set and its site's. Only the rules named are then tried, one by one and in order, with the
`regex` module as before, so results are the same.

For that to hold, each RE2 pattern must match at least what its original matches. The
translation keeps Unicode meaning (`\\w`, `\\d`) and drops what RE2 lacks but only narrows a
match (lookarounds, word boundaries). A pattern it cannot translate is tried on every line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import re2
import regex

from .normalize import LINE_CACHE_SIZE

if TYPE_CHECKING:
    from .rules import Rule

# Escapes whose meaning differs in RE2 (ASCII-only there), outside and inside a class.
_OUTSIDE = {
    "w": r"[\p{L}\p{N}_]",
    "d": r"\p{Nd}",
    "W": r"[^\p{L}\p{N}_]",
    "D": r"\P{Nd}",
    "b": "",  # zero-width: dropping it only widens the match
    "B": "",
    "Z": r"\z",
}
_INSIDE = {"w": r"\p{L}\p{N}_", "d": r"\p{Nd}"}
_INSIDE_UNSUPPORTED = set("WDSB")  # negated classes inside a class: not translated
_NONE: frozenset[int] = frozenset()
_BOUND = re.compile(r"\{(\d*)(?:,\d*)?\}")  # {m}, {m,}, {m,n}; "{" alone is a literal
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
ANSWERS_KEPT = 4096  # distinct sets of candidate rules a LineScreen keeps built
MATCHES_KEPT = 4096  # rule answers a PatternSet remembers (then it starts afresh)
SHORT_LINE_CHARS = 60  # a line this short may be furniture seen on the site's other pages
SHORT_LINES_KEPT = 2048  # short lines whose candidates a LineScreen remembers (then afresh)
_UNSUPPORTED = ("(?>", "(?P=", "(?(", "(?|")  # atomic groups, backreferences, conditionals
_V = TypeVar("_V")


def remember(memo: dict[Any, Any], key: Any, value: _V, kept: int) -> _V:
    """`value`, stored in `memo` under `key`; a memo holding `kept` entries starts afresh
    first (a bound, whatever the batch holds)."""
    if len(memo) >= kept:
        memo.clear()
    memo[key] = value
    return value


def _group_end(pattern: str, start: int) -> int | None:
    """Index just after the group opening at `start`, or None if it is not closed."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def re2_source(pattern: str) -> str | None:
    """The pattern in RE2 syntax, matching at least what it matches; None if not possible."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            if escape in "pP" and pattern[i + 2 : i + 3] == "{":  # \p{L}: keep it whole
                end = pattern.find("}", i)
                if end < 0:
                    return None
                out.append(pattern[i : end + 1])
                i = end + 1
                continue
            if escape.isdigit() and escape != "0":
                return None  # a backreference
            if in_class:
                if escape in _INSIDE_UNSUPPORTED:
                    return None
                out.append(_INSIDE.get(escape, pattern[i : i + 2]))
            else:
                out.append(_OUTSIDE.get(escape, pattern[i : i + 2]))
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # "[]...]": the bracket is a literal
                out.append("[]")
                i += 2
                continue
        elif char == "{" and (bound := _BOUND.match(pattern, i)):
            # A counted repeat, widened to * or +: RE2 spells {0,60} out state by state, and
            # over Unicode classes that costs megabytes; a wider pattern still never misses.
            out.append("*" if bound.group(1) in ("", "0") else "+")
            lazy = pattern[bound.end() : bound.end() + 1] == "?"
            i = bound.end() + (1 if lazy else 0)
            continue
        elif pattern.startswith(_UNSUPPORTED, i):
            return None
        elif pattern.startswith(_LOOKAROUNDS, i):
            group_end = _group_end(pattern, i)
            if group_end is None:
                return None
            i = group_end
            continue
        out.append(char)
        i += 1
    return "".join(out)


class RegexScreen:
    """Many regexes in RE2 sets: which of them may match a text, in one linear scan per set.

    A regex whose RE2 translation fails is reported as a possible match of every text, so
    the screen never misses; the caller confirms a possible match with the regex itself.
    One set holds them all while RE2's memory budget allows; past it (more or larger rules)
    the regexes are split over as many sets as needed.
    """

    def __init__(self, patterns: Sequence[regex.Pattern[str]]) -> None:
        sources: list[tuple[int, str]] = []
        always = set()  # positions of the patterns RE2 cannot take
        for position, pattern in enumerate(patterns):
            source = re2_source(pattern.pattern)
            if source is None:
                always.add(position)
            else:
                sources.append((position, _flag_prefix(pattern.flags) + source))
        # (set's match function, RE2 index -> position); a pattern alone over the budget is
        # tried on every line
        self._sets = [
            (_set_match(compiled), owner) for compiled, owner in _compiled_sets(sources, always)
        ]
        self.always = frozenset(always)

    @property
    def set_count(self) -> int:
        return len(self._sets)

    def matching(self, text: str | bytes) -> frozenset[int]:
        """Positions of the patterns that may match somewhere in `text` (str, or its UTF-8
        bytes: a caller asking several screens about one line encodes it once)."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        found = [owner[i] for match, owner in self._sets for i in match(data) or ()]
        if not found:
            return self.always
        return frozenset(found) | self.always


# RE2's memory budget for one set: its program and its lazily built automaton, which holds
# only the states the text has led it to. With one set per group (generic, each site) the
# automaton fits; one set of every site's patterns did not, and RE2 fell back to a matcher
# eight times slower. The generic set once outgrew RE2's default of 8 MB: on varied articles
# its automaton filled up and was rebuilt over and over, and scans took 2.4 times as long (64
# us a document instead of 26 on 2,843 probe articles; the cause was one rule, which now has
# a `screen`). 32 MB leaves room as rules grow; the process grows by the states used, not by
# the budget (a worker was 2 MB smaller at 32 than at 8 after 200,000 documents).
RE2_MAX_MEM = 32 << 20


def _options() -> re2.Options:
    options = re2.Options()
    options.never_capture = True
    options.log_errors = False
    options.max_mem = RE2_MAX_MEM
    return options


def _set_match(compiled: re2.Set) -> Callable[[bytes], list[int] | None]:
    """The function that matches UTF-8 bytes against a compiled set. The binding's `Match` is
    a Python wrapper around its C++ set (kept as `_set`) that only encodes str and turns an
    empty list into None; called on every line, the wrapper was 4% of cleaning a document.
    The set itself is used when the binding has one, the wrapper otherwise."""
    native = getattr(compiled, "_set", None)
    match = getattr(native, "Match", None)
    return match if callable(match) else compiled.Match


def _compiled_set(
    chunk: Sequence[tuple[int, str]], always: set[int]
) -> tuple[re2.Set, list[int]] | None:
    """One RE2 set of the chunk's patterns and its index -> position list, or None when it is
    over RE2's memory budget. A pattern RE2 rejects (syntax it lacks) goes to `always`."""
    compiled = re2.Set.SearchSet(_options())
    owner: list[int] = []
    rejected = []
    for position, source in chunk:
        try:
            if compiled.Add(source) != len(owner):
                raise ValueError(source)
        except (ValueError, TypeError, re2.error):
            rejected.append(position)
            continue
        owner.append(position)
    try:
        if owner:
            compiled.Compile()
    except re2.error:
        return None
    always.update(rejected)
    return compiled, owner


def _compiled_sets(
    sources: list[tuple[int, str]], always: set[int]
) -> list[tuple[re2.Set, list[int]]]:
    """The patterns in as few RE2 sets as fit RE2's memory budget: one for the whole list when
    it fits, else one per half, each split again until it fits. A single pattern that does not
    fit goes to `always`."""
    if not sources:
        return []
    compiled = _compiled_set(sources, always)
    if compiled is not None:
        return [compiled] if compiled[1] else []
    if len(sources) == 1:
        always.add(sources[0][0])
        return []
    middle = len(sources) // 2
    return _compiled_sets(sources[:middle], always) + _compiled_sets(sources[middle:], always)


def _flag_prefix(flags: int) -> str:
    """RE2's inline flags for a `regex` pattern's case, line-anchor and dot flags."""
    letters = "".join(
        letter
        for flag, letter in ((regex.IGNORECASE, "i"), (regex.MULTILINE, "m"), (regex.DOTALL, "s"))
        if flags & flag
    )
    return f"(?{letters})" if letters else ""


class PatternSet:
    """The rule patterns of a Cleaner in RE2 sets, built once: says which rules may match.

    One set per group of rules: the generic packs share one, and each site's rule file has
    its own. A document's plan asks only the sets of its own rules; one set of every site's
    patterns made RE2's automaton grow with the product of their states (8.8 us a new line
    instead of 2.7 for the generic set and one site's).
    """

    def __init__(self, groups: Sequence[Sequence[Rule]]) -> None:
        self.group_of: dict[str, int] = {}
        # What a rule's own lines and patterns matched in a line, by rule id and line text
        # (its named groups, or None): a site's furniture comes back on page after page
        # ("Share this news", "Published :"), so about half the regex searches are answered
        # here. See actions.line_matches.
        self.matches: dict[tuple[str, str], tuple[tuple[str, str], ...] | None] = {}
        # Whether a line matched a rule's `preceded_by` or `followed_by` (by pattern and
        # text): a neighbour is often the site's furniture too ("Published in Dawn, ...").
        self.neighbours: dict[tuple[regex.Pattern[str], str], bool] = {}
        self._screens: list[tuple[RegexScreen, list[str]]] = []  # per group: screen, owners
        for group in groups:
            rules = [rule for rule in group if rule.patterns]
            for rule in rules:
                self.group_of[rule.id] = len(self._screens)
            owner = [rule.id for rule in rules for _ in rule.screened]  # pattern -> rule id
            screen = RegexScreen([pattern for rule in rules for pattern in rule.screened])
            self._screens.append((screen, owner))

    def groups_of(self, rules: Sequence[Rule]) -> tuple[int, ...]:
        """The groups holding the patterns of `rules`."""
        return tuple(sorted({self.group_of[r.id] for r in rules if r.id in self.group_of}))

    def matching(self, text: str) -> frozenset[str]:
        """Ids of the rules, of every group, that may match `text` (for `rules check`; a
        plan's line screen reads its own groups' sets)."""
        return frozenset().union(*(self._in_group(text, g) for g in range(len(self._screens))))

    def group(self, group: int) -> tuple[RegexScreen, list[str]]:
        """A group's screen and its pattern index -> rule id list."""
        return self._screens[group]

    def _in_group(self, text: str, group: int) -> frozenset[str]:
        screen, owner = self._screens[group]
        return frozenset({owner[i] for i in screen.matching(text)})


@dataclass(frozen=True, slots=True)
class Candidates:
    """The line rules and note rules that could match one line, and what of the line's
    context (zones, neighbours) those line rules look at: only that is worked out for it."""

    rules: tuple[Rule, ...] = ()
    notes: tuple[Rule, ...] = ()
    others: frozenset[str] = frozenset()  # ids of the plan's other rules with patterns
    head: bool = False
    lead: bool = False
    span: bool = False  # the opening and the closing (Doc.in_opening, Doc.in_closing)
    list: bool = False  # whether the line is a list item (Doc.in_list)
    tail: bool = False
    previous: bool = False
    next: bool = False
    copies: bool = False  # the page's lines between copies (Doc.between_copies)
    doubled: bool = False  # every line rule of them needs the line shown twice (Doc.doubled)
    gap: bool = False  # whether a line rule of them compares blank lines (Doc.paragraph_gap)


NO_CANDIDATES = Candidates()
_HEAD, _LEAD, _SPAN, _TAIL, _PREVIOUS, _NEXT, _LIST, _GAP, _COPIES = (1 << bit for bit in range(9))


def _context_uses(rule: Rule) -> int:
    """What of a line's context a line rule looks at, as the bits of Candidates' fields (a
    note rule runs later, on the kept lines: none)."""
    if rule.is_note:
        return 0
    # `skip_runs` looks a few lines further (actions._in_run): within one document, lines of
    # the same text between the same neighbours share that answer too.
    both_neighbours = (
        rule.skip_between_prose or rule.doubled or rule.between_copies or rule.skip_runs
    )
    return (
        _HEAD * (rule.zone == "head")
        | _LEAD * (rule.zone == "lead")
        | _SPAN * (rule.opening or rule.closing)
        | _TAIL * (rule.zone == "tail")
        | _PREVIOUS * (rule.preceded_by is not None or both_neighbours)
        | _NEXT * (rule.followed_by is not None or rule.skip_echoes or both_neighbours)
        | _LIST * rule.skip_list_items
        | _GAP * (rule.blank_after is not None)
        | _COPIES * rule.between_copies
    )


class LineScreen:
    """Says which rules of one rule list could match a line: none for most body paragraphs."""

    def __init__(
        self, rules: Sequence[Rule], patterns: PatternSet, groups: tuple[int, ...] | None = None
    ) -> None:
        self.rules = tuple(rules)
        self.patterns = patterns
        self.groups = patterns.groups_of(rules) if groups is None else groups
        self.position = {rule.id: i for i, rule in enumerate(rules)}
        # Per RE2 set of the plan's groups: its pattern index -> this list's rule position
        # (-1: a structural rule or a rule of another language), and -> rule id.
        self._sets = [
            (screen, [self.position.get(rule_id, -1) for rule_id in owner], owner)
            for screen, owner in (patterns.group(g) for g in self.groups)
        ]
        self._uses = [_context_uses(rule) for rule in self.rules]
        self.exact: dict[str, set[int]] = {}
        self.exact_folded: dict[str, set[int]] = {}
        for position, rule in enumerate(rules):
            table = self.exact_folded if rule.ignore_case else self.exact
            for line in rule.exact:
                table.setdefault(line, set()).add(position)
        # A cleaning pass over the kept lines asks about the same lines again.
        self._recent = functools.lru_cache(maxsize=LINE_CACHE_SIZE)(self._candidates)
        # A site's furniture recurs from page to page ("Source link", its captions' credits,
        # its labels); its paragraphs do not.
        self._short: dict[str, Candidates] = {}
        # Many lines get the same answer (a site rule for any caption shown twice, on every
        # paragraph): it is built once.
        self._answers: dict[tuple[tuple[int, ...], frozenset[str]], Candidates] = {}

    def candidates(self, text: str) -> Candidates:
        """The rules that could match `text` (see `_candidates`): a short line's answer is
        kept for the next documents, a longer one's for the rest of this one."""
        if len(text) > SHORT_LINE_CHARS:
            return self._recent(text)
        answer = self._short.get(text)
        if answer is None:
            answer = remember(self._short, text, self._candidates(text), SHORT_LINES_KEPT)
        return answer

    def may_match(self, rule_id: str, text: str) -> bool:
        """Whether a structural rule of the plan may match `text`: the answer the line rules
        got for the same line (one RE2 scan of a line serves both)."""
        return rule_id in self.candidates(text).others

    def _candidates(self, text: str) -> Candidates:
        """The rules that could match `text`, in rule order; none for most body paragraphs."""
        data = text.encode("utf-8")  # once for every set asked
        matched = [
            (found, positions, owner)
            for screen, positions, owner in self._sets
            if (found := screen.matching(data))
        ]
        exact = self.exact.get(text, _NONE)
        if self.exact_folded:
            exact = exact | self.exact_folded.get(text.casefold(), _NONE)
        if not matched and not exact:
            return NO_CANDIDATES  # most body paragraphs
        hits = set(exact)
        others: set[str] = set()
        for found, positions, owner in matched:
            for i in found:
                if positions[i] >= 0:
                    hits.add(positions[i])
                else:
                    others.add(owner[i])
        if not hits and not others:
            return NO_CANDIDATES
        key = (tuple(sorted(hits)), frozenset(others))
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answer(*key)
            if len(self._answers) < ANSWERS_KEPT:  # a bound, whatever the batch holds
                self._answers[key] = answer
        return answer

    def _answer(self, order: tuple[int, ...], others: frozenset[str]) -> Candidates:
        """The candidates of the rules at positions `order` (sorted) and the other rules."""
        if not order:
            return Candidates(others=others)
        uses = 0
        for i in order:
            uses |= self._uses[i]
        rules = tuple(self.rules[i] for i in order if not self.rules[i].is_note)
        return Candidates(
            rules=rules,
            notes=tuple(self.rules[i] for i in order if self.rules[i].is_note),
            head=bool(uses & _HEAD),
            lead=bool(uses & _LEAD),
            span=bool(uses & _SPAN),
            tail=bool(uses & _TAIL),
            previous=bool(uses & _PREVIOUS),
            next=bool(uses & _NEXT),
            copies=bool(uses & _COPIES),
            list=bool(uses & _LIST),
            gap=bool(uses & _GAP),
            doubled=bool(rules) and all(rule.doubled for rule in rules),
            others=others,
        )


class ScreenCache:
    """One `LineScreen` per distinct rule list (a site and language pick one); thread-safe.

    `groups` are the rule groups that get an RE2 set each (see PatternSet).
    """

    def __init__(self, groups: Sequence[Sequence[Rule]]) -> None:
        self.patterns = PatternSet(groups)
        # Keyed by the rules' identities; the value keeps the rules alive, so ids stay unique.
        self._screens: dict[tuple[int, ...], tuple[tuple[Rule, ...], LineScreen]] = {}

    def get(self, rules: Sequence[Rule]) -> LineScreen:
        """The screen of a plan's line and note rules; its `groups` also cover the plan's
        structural rules with patterns (`rules` holds all of them)."""
        key = tuple(id(rule) for rule in rules)
        found = self._screens.get(key)
        if found is None:
            # Note rules are screened with the line rules, so reading the kept lines at the end
            # reuses the answers the line rules got for them.
            line_rules = [rule for rule in rules if rule.is_line_rule or rule.is_note]
            screen = LineScreen(line_rules, self.patterns, self.patterns.groups_of(rules))
            found = (tuple(rules), screen)
            self._screens[key] = found  # a race only builds the same screen twice
        return found[1]
