"""The cleaning engine: runs a plan (a site's and language's rules, worked out once) over the
lines of one document: the line rules through their screen, then each phase's structural
actions and detectors; and reads the note rules on the lines that were kept.

Pure functions of a plan and the lines; `Cleaner` (core.py) builds the plans, settles the
passes and assembles the result. This module and the ones it calls per line are compiled with
mypyc when the package is built (see setup.py), so they keep to what mypy can type exactly.
Time-outs leave as `TimeoutError` (the regex module's and the document's `Budget`'s); the
caller turns them into its own error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .actions import (
    LINE_ACTIONS,
    STORY_LABEL_WORDS,
    STRUCTURAL_ACTIONS,
    Removals,
    line_matches,
)
from .detectors import DETECTORS, story_warning
from .model import CleanWarning, Line, Note, Removal
from .normalize import word_count
from .prefilter import LineScreen
from .rules import Rule
from .text import HEAD_LINES, TAIL_LINES, Budget, Doc, is_body_like, is_long_text

# A line's text, the blank lines after it and after the document's paragraphs, whether it is
# in the head and lead zones, the paragraphs of prose above it (the opening), whether it is in
# the closing, a list and the tail zone (see Doc), its two neighbours, and the page's lines
# between copies.
LineContext = tuple[
    str,
    int,
    int,
    bool,
    bool,
    int,
    bool,
    bool,
    bool,
    str | None,
    str | None,
    tuple[tuple[int, str], ...] | None,
]
PHASES = ("structure", "headline", "repeats")  # after the line rules, in this order
OVERCLEAN_SHARE = 0.05  # keeping less than 5% of the input's words means the rules misfired


@dataclass(frozen=True, slots=True)
class Step:
    """One structural action or detector of a plan, with its parameters merged once."""

    rule: Rule
    run: Callable[[Rule, Doc, Mapping[str, Any]], tuple[Removals, list[CleanWarning]]]
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Plan:
    """What cleaning runs for one site, language and input kind, worked out once.

    The line screen of its line rules (site rules first), per phase ("structure",
    "headline", "repeats") its structural actions and detectors in rule order, and its note
    rules (read on the kept lines at the end).
    """

    screen: LineScreen
    phases: tuple[tuple[str, tuple[Step, ...]], ...]
    notes: tuple[Rule, ...] = ()


def make_plan(screen: LineScreen, rules: Sequence[Rule]) -> Plan:
    """The plan of a rule list (site rules first) whose line and note rules `screen` screens."""
    phases = tuple((phase, _steps(rules, phase)) for phase in PHASES)
    return Plan(screen, phases, tuple(rule for rule in rules if rule.is_note))


def run_plan(
    plan: Plan,
    lines: list[Line],
    budget: Budget,
    unmatched: set[LineContext],
    fired: Mapping[str, int] | None = None,
) -> tuple[Doc, list[CleanWarning]]:
    """Run the line rules and the phases of a plan; the Doc holds what they removed.

    `unmatched` collects the line contexts no line rule matched; passing the same set to a
    later pass over the kept lines skips the lines whose context has not changed. `fired`
    holds the `once` keys earlier passes used up, with the line each took last (see Doc).
    """
    doc = Doc(lines, budget, screen=plan.screen, fired=dict(fired or {}))
    apply_line_rules(doc, plan.screen, unmatched)
    warnings: list[CleanWarning] = []
    for phase, steps in plan.phases:
        warnings += _run_phase(doc, steps, override=phase == "structure")
    return doc, warnings


def apply_line_rules(doc: Doc, screen: LineScreen, unmatched: set[LineContext]) -> None:
    """Each line is removed by the first line rule that matches it (site rules come first).

    A line rule sees a line's text, its zone and its neighbours; a line whose context is in
    `unmatched` was already tried by an earlier pass and matched nothing. The screen runs in
    linear time; the time budget is checked before each rule's regex runs (`line_matches`).
    """
    lines = doc.lines
    for index, line in enumerate(lines):
        found = screen.candidates(line.text)
        if not found.rules:  # most body paragraphs
            continue
        if found.doubled and not doc.doubled(index):
            continue  # a rule for a caption shown twice, on a line shown once (any paragraph)
        context = (
            line.text,
            line.blank_after,
            doc.paragraph_gap() if found.gap and line.blank_after else 0,
            found.head and doc.in_head(index),
            found.lead and doc.is_lead(index),
            found.span and doc.prose_above(index),
            found.span and doc.in_closing(index),
            found.list and doc.in_list(index),
            found.tail and doc.in_tail(index),
            lines[index - 1].text if found.previous and index else None,
            lines[index + 1].text if found.next and index + 1 < len(lines) else None,
            _between_copies(doc) if found.copies else None,
        )
        if context in unmatched:
            continue
        for rule in found.rules:
            groups = line_matches(rule, doc, index)
            if groups is not None:
                captured = LINE_ACTIONS[rule.action](rule, doc, index, groups)
                doc.remove(index, Removal(line.no, line.text, rule.id, rule.kind, captured))
                if rule.once:
                    doc.fired[rule.once] = line.no
                break
        else:
            unmatched.add(context)


def _between_copies(doc: Doc) -> tuple[tuple[int, str], ...]:
    """The page's lines between copies, with their text (what a `between_copies` rule reads
    of the page beyond a line's neighbours)."""
    return tuple((i, doc.lines[i].text) for i in doc.lines_between_copies())


def read_notes(plan: Plan, kept: list[Line], budget: Budget) -> list[Note]:
    """The notes a plan's note rules read on the kept lines: its lead and its last lines."""
    # The lead is among the first lines; the screen answered for these lines when the line
    # rules ran (cache hits), so most documents stop here, with no line to read.
    near = {*range(1, HEAD_LINES + 1), *range(len(kept) - TAIL_LINES, len(kept))}
    found = [
        (index, notes)
        for index in sorted(near)
        if 0 <= index < len(kept) and (notes := plan.screen.candidates(kept[index].text).notes)
    ]
    if not found:
        return []
    doc = Doc(kept, budget)
    read = []
    for index, notes in found:
        line = kept[index]
        for rule in notes:
            groups = line_matches(rule, doc, index)  # zone lead or tail: checked here
            if groups:
                captured = tuple(sorted(groups.items()))
                read.append(Note(line.no, line.text, rule.id, rule.kind, captured))
    return read


def _steps(rules: Sequence[Rule], phase: str) -> tuple[Step, ...]:
    """The structural actions and detectors of one phase, in rule order."""
    steps = []
    for rule in rules:
        if rule.action == "detect" and rule.detector is not None:
            info = DETECTORS[rule.detector]
            if info.phase == phase:
                steps.append(Step(rule, info.func, {**info.defaults, **dict(rule.params)}))
        elif rule.action in STRUCTURAL_ACTIONS and phase == "structure":
            steps.append(Step(rule, _structural(STRUCTURAL_ACTIONS[rule.action]), {}))
    return tuple(steps)


def _structural(
    action: Callable[[Rule, Doc], Removals],
) -> Callable[[Rule, Doc, Mapping[str, Any]], tuple[Removals, list[CleanWarning]]]:
    """A structural action as a step: a story it cuts off is also reported as a warning."""

    def run(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> tuple[Removals, list[CleanWarning]]:
        removals = action(rule, doc)
        if rule.kind == "other-story":  # a story an earlier rule cut is not cut (nor told) again
            removals = [(i, r) for i, r in removals if doc.kind_at(i) != "other-story"]
        if not removals or rule.kind != "other-story":
            return removals, []
        # The story opens at a boundary's first line, and under a cut's marker when that is a
        # footer ("Source link"); a cut may also be marked by the story's headline.
        story = [index for index, _ in removals]
        footer = word_count(removals[0][1].text) <= STORY_LABEL_WORDS
        if rule.action == "cut" and footer and len(story) > 1:
            story = story[1:]
        return removals, [story_warning(doc, story, rule.id)]

    return run


def _run_phase(doc: Doc, steps: tuple[Step, ...], override: bool) -> list[CleanWarning]:
    """Run the steps of one phase in order, recording their removals. With `override` (the
    structure phase: a cut or glued story takes over its lines, so captions inside it leave
    no metadata) they replace earlier removals of the same lines."""
    warnings: list[CleanWarning] = []
    for step in steps:
        removals, more = step.run(step.rule, doc, step.params)
        warnings += more
        for index, removal in removals:
            doc.remove(index, removal, override=override)
    return warnings


def overcleaned(lines: list[Line], kept: Sequence[int]) -> bool:
    """Whether the rules took (almost) everything: nothing kept, or prose cut to a sliver."""
    if lines and not kept:
        return True  # never silently empty, even when the input holds no prose
    if len(lines) < 2:
        return False
    total = sum(word_count(line.text) for line in lines)
    body = sum(word_count(lines[i].text) for i in kept[1:])
    has_prose = any(is_body_like(line.text) or is_long_text(line.text) for line in lines)
    return has_prose and (not kept or body < OVERCLEAN_SHARE * total)
