"""The working document of one cleaning run, and line-shape tests shared by rules and detectors."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from .model import CleanTimeout, Line, Removal
from .normalize import LINE_CACHE_SIZE, comparable, copies_of_each_other, word_count

if TYPE_CHECKING:
    from .prefilter import LineScreen
    from .rules import Rule

# An unmarked list's items are looked for this far under its intro line (a state visit's
# signed agreements run to 18 and more).
LIST_ITEMS_MAX = 40
LIST_BULLETS = "-–•*·"  # the marks of a bulleted list's items
# A sentence and its credit: a caption, no list item. A bracket ("... 2025. (SPA)"), or a
# picture's credit after a dash ("... district.—Photo by Umair Ali", "— Reuters/File"); a
# dash and a name may attribute a statement ("... circumstances. — Foreign Office").
_PICTURE_CREDIT = (
    r"(?:Photos? (?:by|courtesy)\b|Photo:|Screengrab|Screenshot)[^—]{0,60}"
    r"|[^—]{0,40}/(?:File|White Star)"
)
_CREDITED_SENTENCE = re.compile(
    rf"[.!?][”\"’']?(?:\s+\([^()]{{1,60}}\)|\s*—\s*(?:{_PICTURE_CREDIT}))$"
)
# A label that introduces the story's credit, not a list ("Source:" / "Reuters").
_CREDIT_INTRO = re.compile(
    r"(?:Sources?|Credits?|(?:With )?(?:inputs|input|files|reporting) from|Via|Courtesy)\s*:$",
    re.IGNORECASE,
)
# Removed lines that end a list above them: a picture's caption, the page's footer or share
# bar, another story, a writer's name or signature (a letter's town is under its writer, not
# in a list the letter introduced with a colon).
_LIST_ENDS = frozenset({"caption", "footer", "share", "other-story", "signature", "byline"})
OPENING_MAX = 3  # an `opening: N` rule may reach down to the third paragraph of prose at most
HEAD_LINES = 8  # a `zone: head` rule looks at the first 8 non-empty lines above the prose
TAIL_LINES = 4  # a `zone: tail` rule looks at the last 4 non-empty lines
BODY_MIN_WORDS = 8  # a body paragraph has at least this many words...
BODY_MIN_CHARS_UNSPACED = 25  # (or characters, in a script written without spaces)
HEADLINE_MAX_WORDS = 25  # a headline or a crosshead is no longer
TITLE_MIN_WORDS = 5  # a brief's or a teaser's title is this long; a crosshead may be less
_COPY_LENGTHS = range(-4, 5)  # how much longer a copy of a line may be (a bullet, a stop)
_SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？")  # ...and ends like a sentence,
_CLOSERS = "\"”’'»)」』）"  # maybe followed by closing quotes or a bracket
# Scripts written without spaces between words: Chinese, Japanese, Thai, Lao, Myanmar, Khmer.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)

# Credit shapes that mark a line as a photo caption rather than prose. Each is searched only
# in a line that holds what it needs (a bracket closing the line, a dash, a colon, the name):
# one regex of them all, searched in any case from every position of every paragraph, took a
# sixth of the time of cleaning a document.
_CREDIT_IN_BRACKETS = re.compile(
    r"\((?:[^()]{0,40}\b)?(?:Photo|Photos|Image|File|AP|AFP|Reuters|EPA|Getty)\b[^()]{0,60}\)\s*$",
    re.IGNORECASE,
)
_CREDIT_AFTER_DASH = re.compile(
    r"\s[—–]\s*(?:Photo|Reuters|AFP|AP|EPA|File|Getty)\b[^.]{0,60}$", re.IGNORECASE
)
_CREDIT_LABEL = re.compile(r"\b(?:Photo|Image|Picture|Credit)\s*:\s*\S", re.IGNORECASE)
_CREDIT_NAMES = ("getty", "ap photo")  # lower case; "Images" may be typed with a dotless ı
_CREDIT_NAME = re.compile(r"\bGetty Images\b|\bAP Photo\b", re.IGNORECASE)


@dataclass(slots=True)
class Budget:
    """A per-document deadline. Rule regexes get the remaining time as their timeout."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        left = self.seconds - (time.monotonic() - self.started)
        if left <= 0:
            raise CleanTimeout(f"document exceeded its {self.seconds:g}s time budget")
        return left


@dataclass(slots=True)
class Doc:
    """One document being cleaned: its lines and the removals decided so far (by line index)."""

    lines: list[Line]
    budget: Budget
    removed: dict[int, Removal] = field(default_factory=dict)
    # The plan's line screen: lets structural rules skip lines they cannot match.
    screen: LineScreen | None = None
    _head_end: int | None = None
    _kept: tuple[int, tuple[int, ...]] | None = None  # (removals counted, kept indices)
    # The first OPENING_MAX prose lines and the last one (-1 when none).
    _prose_span: tuple[tuple[int, ...], int] | None = None
    _screened: dict[str, list[int]] | None = None  # rule id -> lines the screen names for it
    _gap: int | None = None  # blank lines after a paragraph, as this scrape sets them
    _copies_between: tuple[int, ...] | None = None  # see lines_between_copies
    page_matches: dict[str, bool] = field(default_factory=dict)  # rule id -> page_opens holds
    timelines: dict[str, bool] = field(default_factory=dict)  # rule id -> see skip_timeline
    # rule id -> the lines between copies its pattern matches (a `between_copies` rule)
    copies_matches: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # `once` key -> the input line number its rules last removed (this pass or an earlier one).
    fired: dict[str, int] = field(default_factory=dict)

    def may_match_at(self, rule: Rule) -> list[int]:
        """The lines, in order, that `rule` may match (see `may_match`). A rule with patterns
        only: the screen's answers for every line are gathered once per document, so a
        structural rule does not ask about each line."""
        if not rule.patterns or rule.exact or self.screen is None:
            return [i for i in range(len(self.lines)) if self.may_match(rule, i)]
        if self._screened is None:
            self._screened = {}
            for index, line in enumerate(self.lines):
                for rule_id in self.screen.candidates(line.text).others:
                    self._screened.setdefault(rule_id, []).append(index)
        return self._screened.get(rule.id, [])

    def may_match(self, rule: Rule, index: int) -> bool:
        """False when none of the rule's patterns can match line `index` (a cheap first look)."""
        text = self.lines[index].text
        if rule.max_words is not None and word_count(text) > rule.max_words:
            return False  # most body paragraphs, before any pattern is asked
        if rule.exact and (text.casefold() if rule.ignore_case else text) in rule.exact:
            return True
        if not rule.patterns:
            return not rule.exact  # an exact rule's lines are known; a detector decides itself
        return self.screen is None or self.screen.may_match(rule.id, text)

    def is_kept(self, index: int) -> bool:
        return index not in self.removed

    def paragraph_gap(self) -> int:
        """How many blank lines this document's scrape puts after a paragraph (the median
        over its paragraphs of prose; 1 when it has none). A line set apart by more stands
        out in this layout (a caption on a site that gives captions two); a scrape that puts
        three after every block sets none apart."""
        if self._gap is None:
            gaps = sorted(line.blank_after for line in self.lines[:-1] if is_prose(line.text))
            self._gap = gaps[len(gaps) // 2] if gaps else 1
        return self._gap

    def kept(self) -> tuple[int, ...]:
        """The indices of the lines no rule has removed (yet), in order."""
        # Removals only ever add to `removed`: its size tells whether the last answer holds.
        if self._kept is None or self._kept[0] != len(self.removed):
            indices = tuple(i for i in range(len(self.lines)) if i not in self.removed)
            self._kept = (len(self.removed), indices)
        return self._kept[1]

    def in_head(self, index: int) -> bool:
        """Whether line `index` is page-top furniture territory: among the first HEAD_LINES
        lines and above the first paragraph of prose. A crosshead ("Health") under the lead
        paragraph is never in the head, whichever pass looks at it."""
        return index < self._head_end_index()

    def is_lead(self, index: int) -> bool:
        """Whether line `index` is the lead: the first paragraph of prose under the headline
        (where the head ends, when that line is prose)."""
        return index == self._head_end_index() and index < len(self.lines) and self.is_prose(index)

    def _head_end_index(self) -> int:
        if self._head_end is None:  # the first line is the headline even when it reads as prose
            self._head_end = next(
                (i for i in range(1, HEAD_LINES) if i < len(self.lines) and self.is_prose(i)),
                HEAD_LINES,
            )
        return self._head_end

    def between_prose(self, index: int) -> bool:
        """Whether line `index` sits between two paragraphs of prose (as a timeline's dates,
        a table's figures and crossheads do; page furniture sits above, below or beside
        captions and labels). A caption already removed above it does not count: a crosshead
        may follow a picture inside the text."""
        last = len(self.lines) - 1
        above = index - 1
        while above > 0 and self.kind_at(above) == "caption":  # a caption inside the text
            above -= 1
        return 0 < index < last and self.is_prose(above) and self.is_prose(index + 1)

    def kind_at(self, index: int) -> str:
        """The kind of the removal of line `index`, or "" when the line is kept."""
        removal = self.removed.get(index)
        return removal.kind if removal else ""

    def in_list(self, index: int, going: Collection[int] = ()) -> bool:
        """Whether line `index` is an item of an unmarked list: one of the short lines under a
        line that introduces them ("Top gainers:", "The signatories included:"). A line under
        a bulleted list is not one of its items; removed lines ("Published :"), and those a
        detector is about to remove (`going`), are not read, but a removed caption, footer or
        share line ends the list. A paragraph, or a credited caption, is no list item."""
        item = self.lines[index].text
        if is_body_like(item) or _CREDITED_SENTENCE.search(item):
            return False  # a paragraph, or a picture's caption under the list ("... 2025. (SPA)")
        if index >= 2 and self._set_off_from_list(index):
            return False  # "AFP" a blank line under a list of names: the story's credit
        for above in range(index - 1, max(index - 1 - LIST_ITEMS_MAX, -1), -1):
            if self.kind_at(above) in _LIST_ENDS:
                return False  # a list does not run past a picture or the page's footer
            if not self.is_kept(above) or above in going:
                continue
            text = self.lines[above].text
            if text.endswith(":"):
                return not _CREDIT_INTRO.match(text)  # "Source:" over "Reuters" is a credit
            if is_body_like(text) or text[:1] in LIST_BULLETS:
                return False
        return False

    def _set_off_from_list(self, index: int) -> bool:
        """Whether line `index` is set off by a blank line from the line above it while that
        line is not set off from its own (a list printed without blank lines; its
        introduction, ending in ':', may be set off from its first item)."""
        above, further = self.lines[index - 1], self.lines[index - 2]
        return above.blank_after > 0 and further.blank_after == 0 and not above.text.endswith(":")

    def echoed_below(self, index: int) -> bool:
        """Whether the next line repeats line `index` and goes on (a caption's alt text above
        the caption with its credit: "Farida Parveen" / "Farida Parveen. Photo : Collected")."""
        if index + 1 >= len(self.lines):
            return False
        below = comparable(self.lines[index + 1].text)
        key = comparable(self.lines[index].text)
        # Whole words: "A" is no alt text of "Ambulances carry ...".
        return len(below) > len(key) and below.startswith(key) and not below[len(key)].isalnum()

    def doubled(self, index: int) -> bool:
        """Whether the line above or below line `index` repeats it (a caption the scraped page
        shows twice, one copy under the other)."""
        text = self.lines[index].text
        near = [self.lines[i].text for i in (index - 1, index + 1) if 0 <= i < len(self.lines)]
        if text in near:
            return True  # most copies
        key = comparable(text)  # a copy may differ in case, a bullet or a final stop
        return any(
            len(other) - len(text) in _COPY_LENGTHS and comparable(other) == key for other in near
        )

    def lines_between_copies(self) -> tuple[int, ...]:
        """The lines, under the headline's own (line 1), whose neighbours repeat each other (a
        glued story's headline, its time stamp, and the headline's bulleted copy), however
        the scrape typed them (see `copies_of_each_other`)."""
        if self._copies_between is None:
            lines = self.lines
            self._copies_between = tuple(
                i
                for i in range(2, len(lines) - 1)
                if copies_of_each_other(lines[i - 1].text, lines[i + 1].text)
            )
        return self._copies_between

    def in_opening(self, index: int, paragraphs: int = 1) -> bool:
        """Whether line `index` is in the opening: the page's header down to the first
        paragraph of prose (the `paragraphs`-th: a standfirst may come first), however many
        lines it holds (a list under a crosshead is not)."""
        return self.prose_above(index) < paragraphs

    def prose_above(self, index: int) -> int:
        """How many paragraphs of prose are above line `index`, counted up to OPENING_MAX."""
        return sum(1 for i in self._prose()[0] if i < index)

    def in_closing(self, index: int) -> bool:
        """Whether line `index` is in the closing: the last paragraph of prose and the lines
        below it, where nothing of the story follows (a data source note under a table or an
        acronym crosshead with text below is not)."""
        return index >= self._prose()[1]

    def _prose(self) -> tuple[tuple[int, ...], int]:
        """The first OPENING_MAX paragraphs of prose and the last one (-1 when there is none),
        found from each end: only a few lines of header and footer are read."""
        if self._prose_span is None:
            # The headline and its copies are not the text, even when one is a question
            # long enough to read as prose.
            lines = self.lines
            headline = lines[0].text if lines else ""

            def text_at(i: int) -> bool:
                return lines[i].text != headline and self.is_prose(i)

            first = tuple(islice((i for i in range(1, len(lines)) if text_at(i)), OPENING_MAX))
            last = next((i for i in range(len(lines) - 1, 0, -1) if text_at(i)), -1)
            self._prose_span = (first, last)
        return self._prose_span

    def is_prose(self, index: int) -> bool:
        """Whether line `index` is a paragraph of the article's text: body-like, not a caption."""
        return is_prose(self.lines[index].text)

    def in_tail(self, index: int) -> bool:
        return index >= len(self.lines) - TAIL_LINES

    def remove(self, index: int, removal: Removal, override: bool = False) -> None:
        """Record a removal; the first rule to remove a line keeps the credit unless overridden."""
        if override or index not in self.removed:
            self.removed[index] = removal


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def is_body_like(text: str) -> bool:
    """A line that reads like a paragraph of prose: long enough and ends like a sentence."""
    # Splitting off the first words only: a paragraph need not be split whole to be counted.
    if not ends_like_sentence(text):
        return False
    if len(text.split(None, BODY_MIN_WORDS - 1)) == BODY_MIN_WORDS:
        return True
    return len(text) >= BODY_MIN_CHARS_UNSPACED and bool(_UNSPACED.search(text))


def body_texts(lines: Iterable[Line]) -> Iterator[str]:
    """The texts of the lines that read like paragraphs, in order, read as they are asked for
    (language detection stops when its sample is full)."""
    for line in lines:
        if is_body_like(line.text):
            yield line.text


def total_chars(lines: Iterable[Line]) -> int:
    """The characters of the lines' texts, all told."""
    return sum(len(line.text) for line in lines)


def is_long_text(text: str) -> bool:
    """A line as long as two short paragraphs and no photo caption: text of the article even
    without a final stop (a scrape may cut it), never to be removed as a mere repeat."""
    return word_count(text) >= 2 * BODY_MIN_WORDS and not looks_like_caption(text)


def ends_on_full_stop(text: str) -> bool:
    """The line ends with a full stop, maybe followed by closing quotes or a bracket: a
    statement, where a question or an exclamation may be a title."""
    return text.rstrip(_CLOSERS).endswith(".")


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def ends_like_sentence(text: str) -> bool:
    """The line ends with . ! ? or …, maybe followed by closing quotes or a bracket."""
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def looks_like_caption(text: str) -> bool:
    """A line that carries a photo credit: '(AP Photo/X)', '— Reuters', 'Photo: X'."""
    if text.rstrip().endswith(")") and _CREDIT_IN_BRACKETS.search(text):
        return True
    if ("—" in text or "–" in text) and _CREDIT_AFTER_DASH.search(text):
        return True
    if ":" in text and _CREDIT_LABEL.search(text):
        return True
    lowered = text.lower()
    return any(name in lowered for name in _CREDIT_NAMES) and bool(_CREDIT_NAME.search(text))


def is_headline_like(text: str, min_words: int = 2, questions: bool = False) -> bool:
    """A short line that does not end like a sentence (nor a quoted one: '... dying.”'): a
    headline or a crosshead. `questions` admits one that asks ("Who will clear the air?")."""
    words = word_count(text)
    if not min_words <= words <= HEADLINE_MAX_WORDS:
        return False
    asks = questions and text.endswith("?")
    return not text.endswith((",", ";", ":")) and (asks or not ends_like_sentence(text))


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def is_prose(text: str) -> bool:
    """A paragraph of the article's text: body-like and not a photo caption."""
    return is_body_like(text) and not looks_like_caption(text)
