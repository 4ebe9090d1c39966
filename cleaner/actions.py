"""Rule actions: the small registry of what a rule can do with the lines it matches.

Each action is a pure function of a rule and the document state; it returns the removals it
makes. Line actions (`drop`, `caption`) look at one line at a time; structural actions (`cut`,
`boundary`) remove a run of lines; `detect` runs a named detector (see detectors.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from .model import CleanTimeout, Removal
from .normalize import word_count
from .prefilter import MATCHES_KEPT, remember
from .text import TITLE_MIN_WORDS, Doc, ends_like_sentence, is_body_like

if TYPE_CHECKING:
    from .rules import Rule

LineCapture = tuple[tuple[str, str], ...]
Removals = list[tuple[int, Removal]]  # (line index, removal)
# Date lines between paragraphs that make a timeline (`skip_timeline`); one alone is a date
# the story gives a line of its own.
TIMELINE_ENTRIES = 2
STORY_LABEL_LINES = 2  # short lines over a glued story's headline: a section label, a time
STORY_LABEL_WORDS = 3  # such a line, or a footer over the story ("Source link"), is this short
CREDITED_RUN_WORDS = 5  # a credited line next to a caption is a brief from this many words
CREDITED_RUN = 3  # credited paragraphs in a row that make a column of briefs, not captions
ITEM_TITLE_WORDS = 12  # a brief's title between two briefs is this short
RUN_REACH = 8  # lines looked at each way for such a run (its items, titles and copies)
# Removal kinds that close an article: a section label under them and right over a glued
# story's headline is that story's ("Share this news" / "Economy" / the next headline).
CLOSING_KINDS = frozenset({"share", "footer", "related", "tags", "newsletter", "navigation"})
_SECTION_LABEL = regex.compile(r"^\p{Lu}[\p{L}&'’-]*\p{Ll}[\p{L}&'’-]*(?: [\p{L}&'’-]+)*$")


def line_matches(rule: Rule, doc: Doc, index: int) -> dict[str, str] | None:
    """Whether `rule` matches line `index` of `doc`; returns the named groups that matched."""
    text = doc.lines[index].text
    if rule.max_words is not None and word_count(text) > rule.max_words:
        return None
    if rule.zone == "head" and not doc.in_head(index):
        return None
    if rule.zone == "tail" and not doc.in_tail(index):
        return None
    if rule.zone == "lead" and not doc.is_lead(index):
        return None
    if rule.skip_between_prose and doc.between_prose(index):
        return None
    if rule.closing and not doc.in_closing(index):
        return None
    if rule.opening and not doc.in_opening(index, rule.opening):
        return None
    if rule.skip_list_items and doc.in_list(index):
        return None
    if rule.skip_runs and _in_run(doc, index):
        return None
    if rule.skip_echoes and doc.echoed_below(index):
        return None
    if rule.doubled and not doc.doubled(index):
        return None
    if rule.between_copies and _copies_around(rule, doc) != (index,):
        return None
    if rule.blank_after is not None and not _set_apart(doc, index, rule.blank_after):
        return None
    if rule.page_opens is not None and not _page_opens(rule, rule.page_opens, doc):
        return None
    if rule.once and not _once_free(rule.once, doc, index):
        return None
    # The neighbours first: their patterns name a marker ("Published in Dawn, "), where a
    # rule's own pattern may take most lines the screen lets through (any headline).
    for neighbour, pattern in ((index - 1, rule.preceded_by), (index + 1, rule.followed_by)):
        if pattern is None:
            continue
        if not 0 <= neighbour < len(doc.lines):
            return None
        if not _neighbour_matches(rule, pattern, doc.lines[neighbour].text, doc):
            return None
    groups = _remembered_match(rule, doc, text)
    if groups is None:
        return None
    if rule.skip_timeline and _timeline_entry(rule, doc, index):
        return None
    if rule.action == "caption" and _spelled_out(text, groups.get("credit")):
        return None
    return groups


# Words an acronym leaves out ("Organisation of the Petroleum Exporting Countries (OPEC)").
_UNSPELLED = frozenset({"of", "for", "and", "the", "on", "in", "to", "&"})


def _spelled_out(text: str, credit: str | None) -> bool:
    """Whether a caption rule's bracketed credit is an acronym the words right before it spell
    out: "... new investments of the Public Investment Fund (PIF)" names a body, no picture's
    source (a credit follows a place or a person: "... in Damascus (SANA)")."""
    if not credit or not 2 <= len(credit) <= 8 or not credit.isalpha() or not credit.isupper():
        return False
    words = [word for word in text[: text.rfind("(")].split() if word.lower() not in _UNSPELLED]
    # Capitalised words: "... after Friday prayers. (AFP)" spells nothing.
    return len(words) >= len(credit) and "".join(w[0] for w in words[-len(credit) :]) == credit


def _remembered_match(rule: Rule, doc: Doc, text: str) -> dict[str, str] | None:
    """`_own_match`, answered from memory for a rule and text seen before."""
    if doc.screen is None:
        return _own_match(rule, doc, text)
    memo = doc.screen.patterns.matches  # the same answer for the same rule and text
    key = (rule.id, text)
    if key in memo:
        known = memo[key]
        return None if known is None else dict(known)
    groups = _own_match(rule, doc, text)
    remember(memo, key, None if groups is None else tuple(groups.items()), MATCHES_KEPT)
    return groups


# A line ending in a bracketed credit: a capitalised name without figures ("(Reuters)", "(AP
# Photo/Hadi Mizban)", "[AFP]"; not "(Article 5)", "(in Arabic)", nor an acronym a sentence
# spells out before its full stop: "... the General Authority for Statistics (GASTAT).").
_CREDITED = regex.compile(r"[(\[]\p{Lu}[^()\[\]\d]{0,60}[)\]]$")


def _in_run(doc: Doc, index: int) -> bool:
    """Whether line `index` is one of CREDITED_RUN credited paragraphs or more in a row (each
    ending in a bracketed credit, at most one short line, an item's title, between two): a
    column of wire briefs ("... (Reuters)" / "... (AFP)"). Two are a column when an item's
    title, as long as a headline, stands between them. A picture's caption sits alone, or
    beside one other (two pictures over the story, or a crosshead between two pictures in
    the text); its copies count once."""
    seen = {doc.lines[index].text}
    titled = False
    for step in (-1, 1):
        other = index + step
        # Only as far as such a run needs: a long page of credited lines costs no more.
        while 0 <= other < len(doc.lines) and abs(other - index) <= RUN_REACH:
            text = doc.lines[other].text
            if text in seen or _credited(text):
                seen.add(text)
                other += step
            elif word_count(text) <= ITEM_TITLE_WORDS and _credited_at(doc, other + step):
                # an item's title between two items; a headline's length, where a crosshead
                # between two pictures' captions is a word or a few ("Aid blocked")
                titled = titled or word_count(text) >= TITLE_MIN_WORDS
                other += step
            else:
                break
    return len(seen) >= CREDITED_RUN or (titled and len(seen) >= 2)


def _credited(text: str) -> bool:
    return word_count(text) >= CREDITED_RUN_WORDS and _CREDITED.search(text) is not None


def _credited_at(doc: Doc, index: int) -> bool:
    return 0 <= index < len(doc.lines) and _credited(doc.lines[index].text)


def _timeline_entry(rule: Rule, doc: Doc, index: int) -> bool:
    """Whether line `index` heads a timeline's entry: prose follows it, and TIMELINE_ENTRIES
    lines or more that the rule matches sit between two paragraphs of prose, as a timeline's
    entries do (asked once per document; one such line is a date the story gives a line of
    its own).
    The first entry sits under the headline ("7 October 2023" over what happened that day);
    the page's own time stamp there is over no prose (a share bar, a headline's copy)."""
    if index + 1 >= len(doc.lines) or not doc.is_prose(index + 1):
        return False
    found = doc.timelines.get(rule.id)
    if found is None:
        entries = sum(
            1
            for other in range(len(doc.lines))
            if doc.between_prose(other)
            and _remembered_match(rule, doc, doc.lines[other].text) is not None
        )
        found = doc.timelines[rule.id] = entries >= TIMELINE_ENTRIES
    return found


def _neighbour_matches(rule: Rule, pattern: regex.Pattern[str], text: str, doc: Doc) -> bool:
    """Whether a neighbour of a line matches the rule's `preceded_by` or `followed_by`
    `pattern` (remembered as a rule's own answers are)."""
    if doc.screen is None:
        return _search(rule, pattern, text, doc) is not None
    memo = doc.screen.patterns.neighbours
    key = (pattern, text)
    found = memo.get(key)
    if found is None:
        found = remember(memo, key, _search(rule, pattern, text, doc) is not None, MATCHES_KEPT)
    return found


def _own_match(rule: Rule, doc: Doc, text: str) -> dict[str, str] | None:
    """Whether the rule's own lines or patterns match `text`; the named groups that matched."""
    if rule.exact and (text.casefold() if rule.ignore_case else text) in rule.exact:
        return {}
    for pattern in rule.patterns:
        found = _search(rule, pattern, text, doc)
        if found:
            return {k: v.strip() for k, v in found.groupdict().items() if v and v.strip()}
    return None


def _copies_around(rule: Rule, doc: Doc) -> tuple[int, ...]:
    """The lines of the page, under its header, that a `between_copies` rule's own pattern
    matches between two copies of a line (asked once per document): the rule takes one only
    when it is the only one. A timeline's or a live page's entries each have the shape of a
    glued story's header (title, time stamp, the title bulleted), and so would two glued
    stories: that is left to the text (B is worse than F)."""
    found = doc.copies_matches.get(rule.id)
    if found is None:
        found = doc.copies_matches[rule.id] = tuple(
            i
            for i in doc.lines_between_copies()
            if _own_match(rule, doc, doc.lines[i].text) is not None
        )
    return found


def _once_free(key: str, doc: Doc, index: int) -> bool:
    """Whether a `once` rule may still take line `index`: no rule of its key took a line yet,
    or it took the input line right above or below (a dateline of two lines: "Beirut - Nazeer
    Rida" / "Tel Aviv - Nazir Majli"; a later pass may take the first line of two)."""
    last = doc.fired.get(key)
    return last is None or abs(last - doc.lines[index].no) == 1


def _page_opens(rule: Rule, pattern: regex.Pattern[str], doc: Doc) -> bool:
    """Whether a line of the document's opening (down to the first paragraph of prose)
    matches `pattern`, the rule's `page_opens` (asked once per document): a letters page
    opens on "Sir, ", where a news story may quote a letter's "Dear Sir," lower down."""
    found = doc.page_matches.get(rule.id)
    if found is None:
        found = doc.page_matches[rule.id] = any(
            _search(rule, pattern, line.text, doc)
            for i, line in enumerate(doc.lines)
            if doc.in_opening(i)
        )
    return found


def _search(
    rule: Rule, pattern: regex.Pattern[str], text: str, doc: Doc
) -> regex.Match[str] | None:
    """A rule regex's search, timed out when the document's budget runs out (naming the rule:
    a regex that runs away is a rule to fix)."""
    try:
        return pattern.search(text, timeout=doc.budget.remaining())
    except TimeoutError:
        raise CleanTimeout(f"rule {rule.id} ran past the document's time budget") from None


def drop(rule: Rule, doc: Doc, index: int, groups: dict[str, str]) -> LineCapture:
    """What: remove the matched line; named groups become metadata fields.

    Why: labels, share prompts, time stamps and agency lines are never part of the article.
    Example: `regex: '^(?P<agency>AFP|Reuters) , (?P<published>.+ \\d{4})$'` on
    "AFP , Friday 5 Jan 2024" removes it and sets agency=AFP, published=2024-01-05.
    """
    return tuple(sorted(groups.items()))


def caption(rule: Rule, doc: Doc, index: int, groups: dict[str, str]) -> LineCapture:
    """What: remove a photo caption; it goes to metadata.captions with its credit.

    Why: captions describe a picture the text reader does not see, and scrapers often repeat them.
    Example: `regex: '^(?P<caption>.+?)\\s+—\\s*(?P<credit>[^.]{1,60})$'` on
    "Coffins in Baghdad. — Reuters" gives caption "Coffins in Baghdad." and credit "Reuters".
    """
    text = doc.lines[index].text
    found = dict(groups)
    if "caption" not in found:
        credit = found.get("credit")
        found["caption"] = text.replace(credit, "").strip(" ()—-") if credit else text
    credit = found.get("credit")
    if credit:  # the line's full stop is not part of the credit ("Photo: X.")
        found["credit"] = credit = credit.rstrip(" .") or credit
        # A wire's caption may carry its credit twice ("... 2025. REUTERS/Thanh Hue Photo :
        # REUTERS/Thanh Hue"): the caption's copy goes.
        told = found["caption"].removesuffix(credit).rstrip()
        if told != found["caption"] and ends_like_sentence(told):
            found["caption"] = told
    return tuple(sorted(found.items()))


LINE_ACTIONS: dict[str, Callable[[Rule, Doc, int, dict[str, str]], LineCapture]] = {
    "drop": drop,
    "caption": caption,
}


def _first_marker(rule: Rule, doc: Doc) -> int | None:
    """First line matching the rule after some body text (a marker at the top is not a cut)."""
    lines = doc.lines
    body = (i for i, line in enumerate(lines) if doc.is_kept(i) and is_body_like(line.text))
    first_body = next(body, None)
    if first_body is None:
        return None
    for index in doc.may_match_at(rule):
        if index <= first_body or doc.is_kept(index) and is_body_like(lines[index].text):
            continue  # above the text, or a paragraph of it
        if line_matches(rule, doc, index) is not None:
            return index
    return None


def cut(rule: Rule, doc: Doc) -> Removals:
    """What: remove the marker line and everything after it.

    Why: footers ("Source link", "Related articles", "Next story") start a block that only
    holds site furniture; cutting there is safer than naming each line after it.
    Example: `exact: "Next story"` removes "Next story" and the teaser list below it.
    A marker before any body paragraph is ignored, so a teaser at the top never empties the text.
    """
    start = _first_marker(rule, doc)
    if start is None:
        return []
    return glued_story_removals(doc, start, rule.id, rule.kind)


def story_start(doc: Doc, marker: int) -> int:
    """Index of the headline of the story whose header block holds `marker`.

    Walks back over lines already removed (captions, logos), lines shown twice in a row
    (caption copies) and a caption's copy over the caption with its credit, to the line that
    opens the block. When that line is a paragraph (not a question: a headline may ask one)
    under another paragraph, the block lost its headline (an HTML extraction drops the next
    story's <h2>): the story starts at the marker, and the paragraph is the text's.
    """
    index = marker - 1
    while index > 0:
        line = doc.lines[index].text
        echoed = line in (doc.lines[index - 1].text, doc.lines[index + 1].text) or (
            index + 1 < marker and doc.echoed_below(index)
        )
        if doc.is_kept(index) and not echoed:
            break
        index -= 1
    above = next((i for i in range(index - 1, -1, -1) if doc.is_kept(i)), None)
    if (
        above is not None
        and is_body_like(doc.lines[index].text)
        and not doc.lines[index].text.rstrip("\"”’')").endswith("?")
        and is_body_like(doc.lines[above].text)
    ):
        return marker
    return index


def boundary(rule: Rule, doc: Doc) -> Removals:
    """What: a marker that opens every story's header block; a second story is cut off.

    Why: infinite-scroll pages glue the next article under the one that was asked for; its
    header block (headline, captions, logo) repeats the same shape the site uses for the first.
    Example: aawsat's header shows the "TT" logo letters after the captions; from the second
    "TT" after body text, the story from its headline down is removed as kind other-story.
    """
    start = _second_story_marker(rule, doc)
    if start is None or doc.kind_at(start) == "other-story":
        return []  # no second story, or one an earlier rule cut (its headline with it)
    return glued_story_removals(doc, label_over(doc, story_start(doc, start)), rule.id, rule.kind)


def label_over(doc: Doc, start: int) -> int:
    """Where a glued story whose headline is line `start` begins: at the section label right
    above that headline ("Economy", "Sci-Tech") when the article's closing furniture ("Share
    this news", removed) lies right above the label, else at the headline. A short line under
    a kept paragraph is the article's own (a last line without a full stop) and stays, and so
    does one in capitals, which may be the article's signature ("SS", "AS/MR")."""
    label = start - 1
    if label < 1 or not doc.is_kept(label) or doc.is_kept(label - 1):
        return start
    text = doc.lines[label].text
    if word_count(text) > STORY_LABEL_WORDS or not _SECTION_LABEL.match(text):
        return start
    return label if doc.kind_at(label - 1) in CLOSING_KINDS else start


def _second_story_marker(rule: Rule, doc: Doc) -> int | None:
    """The marker that opens the second story's header block, or None.

    A marker after an earlier one opens a new story once a sentence of story text stands
    between them (a one-line story, "Oman condemned the attack on Friday.", is one). The
    first marker found opens a new story only after two paragraphs of body text (its own
    story's header may have lost its marker); the headline never counts as body text.
    """
    found = {
        index for index in doc.may_match_at(rule) if line_matches(rule, doc, index) is not None
    }
    if not found:
        return None
    # Only the lines up to the last marker can tell whether it opens a second story.
    kept = [i for i in range(len(doc.lines)) if doc.is_kept(i)]
    headline = kept[0] if kept else -1
    markers = 0
    text_since_marker = False
    bodies: set[str] = set()  # distinct: a caption shown twice is one line
    for index, line in enumerate(doc.lines[: max(found) + 1]):
        if index in found:
            if (markers and text_since_marker) or (not markers and len(bodies) >= 2):
                return index
            markers, text_since_marker = markers + 1, False
        elif doc.is_kept(index) and index != headline:
            if is_body_like(line.text):
                bodies.add(line.text)
            if word_count(line.text) >= 4 and ends_like_sentence(line.text):
                text_since_marker = True
    return None


def glued_story_removals(doc: Doc, start: int, rule_id: str, kind: str) -> Removals:
    """Removals for every line from `start` to the end of the document."""
    return [
        (index, Removal(doc.lines[index].no, doc.lines[index].text, rule_id, kind))
        for index in range(start, len(doc.lines))
    ]


STRUCTURAL_ACTIONS: dict[str, Callable[[Rule, Doc], Removals]] = {
    "cut": cut,
    "boundary": boundary,
}


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """Registry entry: the action's name and what it does, in one line."""

    name: str
    summary: str


# Written out, not read from the functions' docstrings: a module compiled with mypyc keeps none.
ACTIONS: dict[str, ActionInfo] = {
    info.name: info
    for info in (
        ActionInfo("drop", "remove the matched line; named groups become metadata fields"),
        ActionInfo("caption", "remove a photo caption; it goes to metadata.captions"),
        ActionInfo("cut", "remove the marker line and everything after it"),
        ActionInfo("boundary", "a marker opening every story's header; a second story goes"),
        ActionInfo("detect", "run a named detector (see detectors.py) with parameters"),
        ActionInfo("note", "keep the matched line; its named groups become metadata"),
    )
}
# `note` rules read metadata from the lines cleaning kept, after every removal (see
# Cleaner._noted): an agency that credits the whole story in its lead or its last lines.
NOTE_ACTION = "note"


def _set_apart(doc: Doc, index: int, blank_lines: int) -> bool:
    """Whether line `index` has at least `blank_lines` blank lines after it, and more than the
    document's paragraphs have: a layout signal only where the scrape keeps the layout."""
    gap = doc.lines[index].blank_after
    return gap >= blank_lines and gap > doc.paragraph_gap()
