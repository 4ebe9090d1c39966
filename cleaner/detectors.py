"""Detectors: what no rule names, found from the shape of the text itself.

Each detector is a pure function of the document state and its parameters; it returns the
removals it makes and any warnings. They run from generic rule entries (`action: detect`), so a
site can switch one off by id and every removal names the entry that made it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .actions import STORY_LABEL_LINES, STORY_LABEL_WORDS, label_over, line_matches
from .dates import find_dates, parse_date
from .model import CleanWarning, Removal
from .normalize import (
    LINE_CACHE_SIZE,
    QUOTE_CHARS,
    comparable,
    shorten,
    straight_quotes,
    word_count,
)
from .text import (
    LIST_BULLETS,
    LIST_ITEMS_MAX,
    OPENING_MAX,
    TITLE_MIN_WORDS,
    Doc,
    ends_like_sentence,
    ends_on_full_stop,
    is_body_like,
    is_headline_like,
    is_long_text,
    is_prose,
    looks_like_caption,
)

if TYPE_CHECKING:
    from .rules import Rule

Removals = list[tuple[int, Removal]]
Finding = tuple[Removals, list[CleanWarning]]

# Removal kinds that make up a story's header block (used as evidence of a glued story).
HEADER_KINDS = frozenset(
    {"caption", "credit", "timestamp", "dateline", "logo", "counter", "byline"}
)
# Removal kinds of the furniture under an article's header picture ("Published :", a logo).
UNDER_PICTURE_KINDS = frozenset({"label", "timestamp", "dateline", "logo"})
_WORD = re.compile(r"\w{4,}")
# A writer's trade, or the calling a guest column's bio gives, as a column's closing bio
# tells it ("... is a Lebanese economist", "... is a consultant at MEES").
BIO_ROLES = (
    "journalist",
    "writer",
    "columnist",
    "author",
    "editor",
    "analyst",
    "economist",
    "researcher",
    "scholar",
    "professor",
    "academic",
    "commentator",
    "fellow",
    "novelist",
    "correspondent",
    "broadcaster",
    "lecturer",
    "consultant",
    "expert",
    "specialist",
    "strategist",
    "historian",
    "politician",
    "publisher",
    "diplomat",
    "ambassador",
    "adviser",
    "advisor",
)
_STAMP_MAX_WORDS = 6  # a time stamp line: "Apr 12, 2025 18:30 UTC", "Saturday, 12 April 2025"
_PAREN_CREDIT = re.compile(
    r"^(?P<caption>.{10,}?)\s*\((?!(?:L|R|C|left|right|centre|center)\))(?P<credit>[^()]{2,60})\)$"
)
_CREDIT_LABEL = re.compile(r"^(?:Photo|Image|Picture)\s*:\s*")  # "Photo : AFP" -> "AFP"
_LIST_ITEM = re.compile(f"[{re.escape(LIST_BULLETS)}]\\s|\\d{{1,2}}[.)]\\s")  # "- China", "2. Iran"
# A line that announces a gallery ("Here are some images from ...:", "Pictures from the red
# carpet:", "... in pictures:"), not one that mentions pictures ("Carrying pictures of the
# dead, the crowd chanted:").
_GALLERY = re.compile(
    r"^(?:Here (?:is|are)\b.*\b(?:pictures|photos|images|photographs)\b"
    r"|(?:Pictures|Photos|Images|Photographs) (?:from|of)\b)"
    r"|\bin (?:pictures|photos|images)\s*:$|\bphoto gallery\b",
    re.IGNORECASE,
)
# A picture from the archive ("... February 24, 1961. — Dawn/File", "(File photo)"): its date
# is the picture's, not a story's.
_FILE_PICTURE = re.compile(r"\b(?:[Ff]ile|FILE|[Aa]rchives?)\b")
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+\S.{0,60}$")
LABEL_MAX_WORDS = 2  # "Read more:", "Also read:"; a longer line ending in ":" announces
ECHO_START_CHARS = 12  # compared first, quotes straightened, before two whole lines are
CROSSHEAD_MAX_WORDS = 4  # "Ingredients", "What you need"
ADDRESS_MAX_WORDS = 6  # "Distinguished delegates, ladies and gentlemen,"
VERSE_MAX_LINES = 40  # short lines in a row, up or down from one: more is a table or a list
_METADATA_KINDS = frozenset({"byline", "section"})  # removals that say who wrote it, or where
_NAME_PARTICLES = frozenset({"al", "el", "bin", "bint", "ibn", "de", "van", "von"})
# Quote marks and end punctuation ignored when a pull quote is compared with the body.
_QUOTES = re.compile(r"[\"“”„«»‹›‘’'‚]")
_EDGE_PUNCT = " .,;:!?…-–—"
_OPENING_QUOTES = tuple("\"“„«‹‘'")
# A sentence of the text's own opening said again as its last line is a callback when it is
# short and this many lines of text stand between its copies.
_CALLBACK_MAX_WORDS = 40
_CALLBACK_MIN_LINES = 5
_ENDS_ON_A_YEAR = re.compile(r"\b\d{4}\.$")
# Words of a text that says a verse or a chant was said again ("sang it twice", "which they
# repeated", "chanted them again"); not "repeatedly", nor "again" alone ("sworn in again").
_SAID_AGAIN = re.compile(
    r"\b(?:twice|once more|over and over|a second time|repeat(?:ed|ing|s)?\b"
    r"|(?:sang|sung|sing|sings|singing|chant\w*|recit\w*|shout\w*)\b[^.:;]{0,40}\bagain)\b",
    re.IGNORECASE,
)


def _removal(
    doc: Doc, index: int, rule: Rule, kind: str | None = None, **captured: str
) -> tuple[int, Removal]:
    line = doc.lines[index]
    return index, Removal(
        line.no,
        line.text,
        rule.id,
        kind or rule.kind,
        tuple(sorted((k, v) for k, v in captured.items() if v)),
    )


def caption_echo(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a line shown twice in a row, or followed by itself plus a credit, is a caption.

    Why: scrapers pick up a figure's caption from both the image and its lightbox.
    Example: "Coffins in Baghdad." then "Coffins in Baghdad. Photo : REUTERS/X" (or the other
    way round) -> both removed, the caption and its credit go to metadata. Identical lines
    with no credit sign are a caption only right above the furniture under a header picture
    (a "Published :" label, a logo; the headline, the first line, never is) or when a rule
    removed the same text as a caption; other identical prose lines are left to
    `repeated_line`, which keeps one copy.
    """
    kept = doc.kept()
    first_kept = kept[0] if kept else -1
    found: Removals = []
    captions = {r.text for r in doc.removed.values() if r.kind == "caption"}  # and pairs found
    for i in range(len(doc.lines) - 1):
        a, b = doc.lines[i].text, doc.lines[i + 1].text
        if a != b and not (a.isascii() and b.isascii()) and _same_start(a, b):
            # The copies may be typed apart ("Bangladesh’s" in one, "Bangladesh's" in the other).
            a, b = straight_quotes(a), straight_quotes(b)
        if a == b and _crosshead_over_caption(doc, i):
            continue  # an obituary's "Hassan Youssef" over his portrait, captioned with his name
        if a == b and (
            looks_like_caption(a)
            or doc.kind_at(i + 1) == "caption"
            or a in captions  # the caption of the header above, shown again under the headline
            or (doc.kind_at(i + 2) in UNDER_PICTURE_KINDS and i != first_kept)
        ):
            caption, credit = _split_paren_credit(doc.lines[i].text)
            found += [
                _removal(doc, j, rule, caption=caption, credit=credit)
                for j in (i, i + 1)
                if doc.is_kept(j)
            ]
            captions.add(a)
        elif len(a) == len(b) or not (b.startswith(a) or a.startswith(b)):
            continue  # most pairs: neither line is the other plus a credit
        elif _credited_copy(a, b, params, doc.kind_at(i + 1) == "caption") and i != first_kept:
            # "Caption." then "Caption. Photo : X" (a lead paragraph that opens with the
            # headline's words is not one); a short copy only of a line a caption rule took
            # (a portrait's alt text: "Farida Parveen" / "Farida Parveen. Photo : Collected")
            found += _echo_removals(doc, rule, i, i + 1)
        elif _credited_copy(b, a, params) and (
            looks_like_caption(a) or doc.kind_at(i) == "caption"
        ):
            found += _echo_removals(doc, rule, i + 1, i)  # the credited copy first
    return found, []


def _same_start(a: str, b: str) -> bool:
    """Whether two lines open alike, their quotes straightened (a cheap test before the whole
    lines are: most lines under another one are no copy of it)."""
    start_a, start_b = a[:ECHO_START_CHARS], b[:ECHO_START_CHARS]
    if start_a == start_b:
        return True
    if start_a.isascii() and start_b.isascii():
        return False  # most pairs: no quote to straighten there
    return straight_quotes(start_a) == straight_quotes(start_b)


def _split_paren_credit(text: str) -> tuple[str, str]:
    """A caption and the credit in brackets at its end ("... in Gaza. (AFP)"), or the caption
    alone (a picture's "(L)" or "(R)" is no credit)."""
    found = _PAREN_CREDIT.match(text)
    return (found["caption"], found["credit"]) if found else (text, "")


def _credited_copy(short: str, long: str, params: Mapping[str, Any], taken: bool = False) -> bool:
    """Whether `long` is `short` (maybe without its final stop) followed by a photo credit
    (`short` has `min_words` words or more, unless `taken`: a caption rule took `long`)."""
    if not long.startswith((short + " ", short + ". ")):  # the alt-text copy may lack the stop
        return False
    extra = long[len(short) :]
    return (
        # "Headline | Site" is a page title; a caption's sentence ends with its stop before
        # its credit ("... in Karachi. — Photo by Fahim Siddiqi/White Star"), unless a caption
        # rule read the credit ("... Lakshmi Chowk — Photo by Murtaza Ali/White Star")
        not (_TITLE_SUFFIX.match(extra) and not ends_like_sentence(short) and not taken)
        # a sentence said again and carried on is prose; a caption's credit is not one
        and (looks_like_caption(long) or not ends_like_sentence(extra))
        and (taken or word_count(short) >= params["min_words"])
        and word_count(long) - word_count(short) <= params["max_credit_words"]
    )


def _echo_removals(doc: Doc, rule: Rule, short: int, long: int) -> Removals:
    """Both copies of a caption; the credited copy's credit goes to metadata unless a rule
    already took that copy (the rule's removal holds the caption and its credit)."""
    caption = doc.lines[short].text
    credited = doc.is_kept(long)
    extra = doc.lines[long].text[len(caption) :]
    credit = _CREDIT_LABEL.sub("", extra.lstrip(". —–").rstrip()) if credited else ""
    return [
        _removal(doc, j, rule, caption=caption if credited else "", credit=credit)
        for j in sorted((short, long))
        if doc.is_kept(j)
    ]


def repeated_line(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a line that occurs more than once survives once at most, and only as body text.

    Why: scrapers repeat headlines, captions, logos and counters from several page regions,
    and sometimes a whole block of the text.
    Example: the headline shown again under the photo is removed; the first copy of a repeated
    paragraph stays; a short sentence (an interview's "Yes."), a speech's "Ladies and
    gentlemen," and a list item ("- China" in two lists) stay every time; "TT" shown twice
    goes entirely; a block returned twice in a row (paragraphs, a crosshead, a list) keeps
    its first copy whole.
    """
    # Copies are counted over every line, removed ones too: a banner whose other copy went
    # with a caption is still a repeated line. Not a glued story's lines (each is a key of
    # its own): a crosshead the article shares with the next story, or with its own copy on
    # a page returned twice, is the article's text, and the other copy is gone already.
    keys = [comparable(line.text) for line in doc.lines]
    for i, removal in doc.removed.items():
        if removal.kind == "other-story":
            keys[i] = f"\0{i}"
    if len(set(keys)) == len(keys):
        return [], []  # most documents: no line is shown twice
    counts = Counter(keys)
    said_where = [counts[key] for key in keys]  # how many lines say what each line says
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if len(key) >= params["min_chars"]:
            groups[key].append(i)
    kept = doc.kept()
    first_kept = kept[0] if kept else -1
    # Repeated paragraphs go first: a refrain is then read between the sentences that stay.
    repeated = sorted(
        (indices for indices in groups.values() if len(indices) > 1),
        key=lambda indices: not is_body_like(doc.lines[indices[0]].text),
    )
    # A block the page returned twice in a row goes once, whole: its crossheads and list
    # items are text, however short.
    protected, going, verses = _doubled_block(doc, kept, keys)
    found: Removals = [_removal(doc, i, rule) for i in sorted(going)]
    warnings: list[CleanWarning] = []
    staying = _Chain([i for i in kept if i not in going])
    # Lines said once that stay whatever this pass removes (what a callback stands apart by).
    staying_once = [i for i in kept if i not in going and said_where[i] == 1]
    for indices in repeated:
        copies = [i for i in indices if doc.is_kept(i) and i not in going]
        if not copies or (len(copies) == 1 and copies[0] in protected):
            continue  # the first copy of a doubled block, alone now (a later pass sees it so)
        if all(i in verses for i in copies):
            continue  # a verse printed twice
        first = copies[0]
        if (
            len(copies) > 1
            and first != first_kept
            and (_asked_again(doc, copies) or _quoted_in_full(doc, copies))
        ):
            continue  # the text's own words, said again
        text = doc.lines[first].text
        if first != first_kept and not is_body_like(text) and ends_like_sentence(text):
            continue  # a short sentence said twice ("Yes.", "Polls closed.") is not furniture
        if first != first_kept and _address_to_hearers(doc, kept, copies):
            continue  # a speech's "Ladies and gentlemen," opening each of its parts
        if first != first_kept and _callback(doc, kept, copies, staying_once):
            message = f"kept line {doc.lines[copies[-1]].no}: a line said again as the "
            message += f"text's last line, as a callback may ({rule.id})"
            warnings.append(CleanWarning("repeat_kept", message))
            continue
        if first != first_kept and _item_then_crosshead(doc, copies):
            continue  # "Stadium" in the list of stations, then heading the station's paragraph
        if first != first_kept and _titled_entry(doc, copies):
            continue  # a timeline's entry: its title, its time, the title bulleted
        if not any(char.isalpha() for char in text):
            continue  # figures of a table ("28" points twice); counters have their own rules
        pairs = _pairs_in_a_row(copies)
        in_a_row = _shown_in_a_row(doc, pairs)
        pair = pairs[0][0] if pairs else None
        if (
            pair is None
            and first != first_kept
            and len(indices) == len(copies)  # no copy is a rule's (a share bar's "Facebook")
            and _heads_lists(doc, kept, copies, said_where)
        ):
            continue  # a recipe's "Ingredients" over each recipe's own list
        if pair is not None and _said_in_pairs_under_colon(doc, kept, pair, said_where):
            # Said twice under its introduction ("called out for him, over and over:"), or in
            # a list of such pairs (chants: "Death to America" twice, then "Death to Israel").
            continue
        if (
            first_kept not in indices
            and not in_a_row
            and any(
                _alt_text(doc, i)
                or _crosshead_over_caption(doc, i)
                or _crosshead_named_by_a_caption(doc, i, indices)
                for i in indices
            )
        ):
            # A picture's alt text ("Ratargul Swamp Forest" above "Ratargul Swamp Forest.
            # Photo : Collected") or its caption names the crosshead it sits under, or another
            # picture's caption names it: the caption rules take those, and the crosshead is
            # text. Two copies in a row in the text ("Runa Laila" / "Runa Laila") are another
            # picture's caption shown twice.
            continue
        # A repeated paragraph or the headline keeps its first copy; furniture goes entirely.
        # A long line may be a paragraph that lost its final stop, unless a rule removed
        # another copy of it as a caption.
        long_text = is_long_text(text) and all(doc.kind_at(i) != "caption" for i in indices)
        keep_first = first == first_kept or is_body_like(text) or long_text
        gone = copies[1:] if keep_first else copies
        if in_a_row:  # the caption goes; a crosshead elsewhere that a caption names stays
            gone = [
                i
                for i in gone
                if i in in_a_row or not _crosshead_named_by_a_caption(doc, i, indices)
            ]
        if first == first_kept and not ends_like_sentence(text):
            # "Enough is enough." under the headline "Enough is enough" is a sentence of the text
            gone = [i for i in gone if not ends_like_sentence(doc.lines[i].text)]
        if first == first_kept and _quotable(text):  # (it has letters: see above)
            gone = [
                i
                for i in gone
                if not _word_for_word(doc.lines[i].text, text)
                or not _said_in_text(doc, _kept_above(kept, i), i)
            ]
        doubled = len(indices) == 2 and indices[1] == indices[0] + 1
        taken = [i for i in indices if i not in copies]  # by a rule, or going already
        if (
            not gone
            or _LIST_ITEM.match(text)
            or (not doubled and all(doc.in_list(i, going) for i in indices))
            or (
                taken
                and all(doc.kind_at(i) in _METADATA_KINDS for i in taken)
                and all(doc.in_list(i, going) for i in copies)
            )
        ):
            # An item of two lists ("- China") belongs to the text each time, as does a list's
            # item whose other copy a rule took as the page's byline or section ("The Canadian
            # Press", the agency, in a list of outlets; not a share bar's "Facebook" under a
            # list); a line shown twice in a row under a list is a caption shown twice.
            continue
        # A copy a rule took as the page's section label ("Politics" above the headline) is
        # the label's; the copy between paragraphs is then a crosshead of the text.
        said = [i for i in indices if doc.is_kept(i) or doc.kind_at(i) != "section"]
        if said and _refrain(doc, said, staying, said_where):
            continue  # a slogan ("Dafa ek, dabi ek") said between paragraphs each time
        going.update(gone)
        staying.remove(gone)
        found += [_removal(doc, i, rule) for i in gone]
    return sorted(found, key=lambda removal: removal[0]), warnings


def _callback(doc: Doc, kept: tuple[int, ...], copies: list[int], once: list[int]) -> bool:
    """Whether a line said twice closes the text with its second copy: a feature ends on the
    words it quoted near its top ("A tarboosh is not a hat. It is a position."), or on a
    short sentence of its own from its opening paragraphs ("Each of them must pluck 24
    kilograms of leaves a day.", said again after thirty paragraphs). The first copy is in
    the text, under a paragraph: one in the page's header is a caption, and the opening
    paragraph shown again at the end is the page's summary. A sentence from further down
    shown again at the end is a pull quote, a labelled headline ("Read more: Sindh announces
    ...") a teaser, and one ending on a day ("... in Khan Yunis on March 3, 2026.") a
    picture's caption; a story's "It was the morning of 25 January 2011, and ..." is not.
    `once`: the kept lines said once, which no repeat removal takes."""
    if len(copies) != 2 or copies[1] != kept[-1]:
        return False
    first, last = copies
    paragraphs_above = sum(1 for i in kept[1:] if i < first and is_body_like(doc.lines[i].text))
    if not paragraphs_above:
        return False
    text = doc.lines[first].text
    if text.startswith(_OPENING_QUOTES):
        return True
    label, colon, rest = text.partition(":")
    return (
        word_count(text) <= _CALLBACK_MAX_WORDS
        and ends_like_sentence(text)
        and not (colon and word_count(label) <= LABEL_MAX_WORDS and rest.lstrip()[:1].isupper())
        and not _ENDS_ON_A_YEAR.search(text)  # a picture's caption ends on its day
        and paragraphs_above < OPENING_MAX
        and sum(1 for i in once if first < i < last) >= _CALLBACK_MIN_LINES
    )


def _item_then_crosshead(doc: Doc, copies: list[int]) -> bool:
    """Whether a short line is an item of a list and, elsewhere, a crosshead between two
    paragraphs: a metro line's "Stadium" in the list of its stations, then over the
    station's paragraph."""
    return len(copies) == 2 and any(
        doc.in_list(i) and doc.between_prose(j) for i, j in (copies, copies[::-1])
    )


def _titled_entry(doc: Doc, copies: list[int]) -> bool:
    """Whether a line and its copy are the title of a live page's or a timeline's entry,
    over the entry's time and again bulleted, as the page sets it ("First round in Muscat" /
    "Apr 12, 2025 18:30 UTC" / "• First round in Muscat" / the entry's text). A glued story
    has the same shape, but the site's rules cut it from its headline before."""
    if len(copies) != 2 or copies[1] != copies[0] + 2:
        return False
    stamp = doc.lines[copies[0] + 1].text
    bulleted = doc.lines[copies[1]].text[:1] in LIST_BULLETS
    return bulleted and word_count(stamp) <= _STAMP_MAX_WORDS and bool(find_dates(stamp))


def _heads_lists(doc: Doc, kept: tuple[int, ...], copies: list[int], said_where: list[int]) -> bool:
    """Whether the copies of a short line are crossheads, each over a list of its own (two
    recipes' "Ingredients" and "Method"): a word or a few with no stop, and under each copy
    two list items, short or numbered, the first different each time. A share bar shown
    twice has the same line under each copy; furniture between paragraphs has a paragraph
    under it, or a single line. A line shown elsewhere too, unless a list item or a
    paragraph, is no item: it is furniture the same pass takes (`said_where[i]`: how many
    lines say what line i says)."""
    text = doc.lines[copies[0]].text
    if len(copies) < 2 or word_count(text) > CROSSHEAD_MAX_WORDS or ends_like_sentence(text):
        return False
    under = []
    for index in copies:
        items: list[str] = []  # the two lines under the copy: a list's first items
        below = _kept_below(kept, index)
        while below is not None and below not in copies and len(items) < 2:
            item = doc.lines[below].text
            if said_where[below] == 1 or _LIST_ITEM.match(item) or is_body_like(item):
                items.append(item)
            below = _kept_below(kept, below)
        if len(items) < 2 or any(
            (is_body_like(t) and not _LIST_ITEM.match(t)) or looks_like_caption(t) for t in items
        ):
            return False  # a paragraph, a picture's caption or a single line: no list under it
        under.append(comparable(items[0]))
    return len(set(under)) == len(under)


def _address_to_hearers(doc: Doc, kept: tuple[int, ...], copies: list[int]) -> bool:
    """Whether the copies are a speech's address to its hearers ("Ladies and gentlemen,",
    "Mr. President,"): a few words ending in ',', each copy over a paragraph of prose, maybe
    under more such words ("Mr. President," / "Excellencies,"). A caption broken at a comma
    has the rest of the caption under it."""

    def address(index: int) -> bool:
        text = doc.lines[index].text
        return text.endswith(",") and word_count(text) <= ADDRESS_MAX_WORDS

    if not address(copies[0]):
        return False
    for index in copies:
        below = _kept_below(kept, index)
        while below is not None and address(below):
            below = _kept_below(kept, below)
        if below is None or not is_prose(doc.lines[below].text):
            return False
    return True


def _said_in_pairs_under_colon(
    doc: Doc, kept: tuple[int, ...], index: int, said_where: list[int]
) -> bool:
    """Whether line `index`, one of two copies in a row, is in a run of such pairs right under
    a line ending in ':' (a list of chants, each said twice), maybe under one call said once
    ("Allahu Akbar", "“Labbaik ya Aqsa!”"). A paragraph of prose shown twice is no chant, and
    a line ending in ':' that the page repeats ("Read more:") introduces none."""
    if is_body_like(doc.lines[index].text):
        return False
    above = _kept_above(kept, index)
    for _ in range(LIST_ITEMS_MAX):
        if above == index or not doc.doubled(above):
            break
        index, above = above, _kept_above(kept, above)
    if above == index:
        return False  # the first line
    if not doc.lines[above].text.endswith(":"):
        call, above = above, _kept_above(kept, above)
        if above == call or is_body_like(doc.lines[call].text):
            return False
    # Not a gallery's captions, each shown twice: "Here is the day in pictures:".
    introduction = doc.lines[above].text
    return (
        introduction.endswith(":") and said_where[above] == 1 and not _GALLERY.search(introduction)
    )


def _pairs_in_a_row(copies: list[int]) -> list[tuple[int, int]]:
    """The copies that sit one right under the other, as (above, below) pairs."""
    return [(above, below) for above, below in pairwise(copies) if below == above + 1]


def _shown_in_a_row(doc: Doc, pairs: list[tuple[int, int]]) -> set[int]:
    """The copies of `pairs` (`_pairs_in_a_row`) shown closer than the document's paragraphs
    are (a caption the page shows twice). With every block spaced alike (no blank line at
    all, or three after each), none: a caption pair is then not told from a crosshead."""
    if not pairs:
        return set()  # most groups; the paragraph gap reads the whole document
    gap = doc.paragraph_gap()
    return {i for pair in pairs if doc.lines[pair[0]].blank_after < gap for i in pair}


def _asked_again(doc: Doc, copies: list[int]) -> bool:
    """Whether the copies are a question asked again in an interview or a press conference:
    the text asks another question below its headline, and the copies are not all answered
    alike (the sentence below them differs: "No." the first time, "Never." the second; the
    same question put to three candidates). A question the page shows twice has the same
    line below each copy, or none; a pull quote stands in a text that asks no other
    question."""
    text = doc.lines[copies[0]].text
    if not text.endswith("?") or not is_body_like(text):
        return False
    kept = doc.kept()
    key = comparable(text)
    others = {comparable(doc.lines[i].text) for i in kept[1:] if doc.lines[i].text.endswith("?")}
    if not others - {key}:
        return False
    answers = []
    for index in copies:
        below = _kept_below(kept, index)
        if below is None or below in copies or not ends_like_sentence(doc.lines[below].text):
            return False
        answers.append(comparable(doc.lines[below].text))
    return len(set(answers)) > 1


def _quoted_in_full(doc: Doc, copies: list[int]) -> bool:
    """Whether a quoted paragraph said twice is quoted again in the full text of a statement
    ("The full text read:" over quoted paragraphs): each later copy sits in a run of two
    quoted paragraphs or more under a line ending in ':'. A pull quote stands alone between
    paragraphs."""
    if not doc.lines[copies[0]].text.startswith(_OPENING_QUOTES):
        return False
    kept = doc.kept()
    for index in copies[1:]:
        position = kept.index(index)
        start = end = position
        while start > 0 and doc.lines[kept[start - 1]].text.startswith(_OPENING_QUOTES):
            start -= 1
        while end + 1 < len(kept) and doc.lines[kept[end + 1]].text.startswith(_OPENING_QUOTES):
            end += 1
        if start == 0 or end == start or not doc.lines[kept[start - 1]].text.endswith(":"):
            return False
    return True


def _alt_text(doc: Doc, index: int) -> bool:
    """Whether line `index` is a picture's alt text: the caption under it repeats it and goes
    on with the rest of the caption and its credit."""
    return doc.echoed_below(index) and looks_like_caption(doc.lines[index + 1].text)


def _crosshead_over_caption(doc: Doc, index: int) -> bool:
    """Whether line `index` is a crosshead over a picture whose caption a rule took and which
    says the same ("Hassan Youssef", a blank line, then his portrait's caption "Hassan
    Youssef"): a kept line set off by a blank line as a crosshead is (a picture's alt text
    sits right above its caption), shaped as a name is: a few capitalised words. A scene or a
    role shown twice ("Egyptian striker Omar Marmoush") is a caption shown twice."""
    return (
        index + 1 < len(doc.lines)
        and _set_off_name(doc, index)
        and doc.kind_at(index + 1) == "caption"
        and doc.lines[index + 1].text == doc.lines[index].text
    )


def _crosshead_named_by_a_caption(doc: Doc, index: int, copies: list[int]) -> bool:
    """Whether line `index` is a crosshead that a portrait's caption elsewhere names ("Omar
    Marmoush" over the paragraphs about him, his portrait's caption "Omar Marmoush" under the
    lead): a kept line shaped as a name, set off by a blank line, over a kept sentence of the
    text ("He arrives from Ferencvaros.", or one ending in ':' over a quote), and another copy
    a caption rule took."""
    below = index + 1
    return (
        _set_off_name(doc, index)
        and below < len(doc.lines)
        and doc.is_kept(below)
        and _sentence_of_text(doc.lines[below].text)
        and any(doc.kind_at(j) == "caption" for j in copies if j != index)
    )


def _sentence_of_text(text: str) -> bool:
    """A line of the article's text under a crosshead, no caption: a paragraph of prose, a
    sentence of three words or more, or a line that ends in ':' over a quote or a list."""
    if looks_like_caption(text):
        return False
    return is_body_like(text) or (
        word_count(text) >= 3 and (ends_like_sentence(text) or text.endswith(":"))
    )


def _set_off_name(doc: Doc, index: int) -> bool:
    """Whether line `index` is kept, set off by a blank line as a crosshead is, and shaped as a
    name (a picture's alt text sits right above its caption, with no blank line)."""
    line = doc.lines[index]
    return doc.is_kept(index) and line.blank_after > 0 and _name_shaped(line.text)


def _name_shaped(text: str) -> bool:
    """Two to five capitalised words, maybe with a name's particles ("Hassan Youssef", "Salah
    El-Saadany", "Mohammed bin Rashid"), and no stop at the end."""
    words = text.split()
    return (
        2 <= len(words) <= 5
        and words[0][0].isupper()
        and all(word[0].isupper() or word in _NAME_PARTICLES for word in words)
        and not ends_like_sentence(text)
    )


def _kept_above(kept: tuple[int, ...], index: int) -> int:
    """The kept line just above line `index` (itself when it is the first)."""
    at = bisect.bisect_left(kept, index)
    return kept[at - 1] if at else index


def _kept_below(kept: tuple[int, ...], index: int) -> int | None:
    """The kept line just below line `index`, or None when it is the last."""
    at = bisect.bisect_right(kept, index)
    return kept[at] if at < len(kept) else None


def _doubled_block(
    doc: Doc, kept: tuple[int, ...], keys: list[str]
) -> tuple[set[int], set[int], set[int]]:
    """The lines of each block of kept lines shown twice in a row (a page's body, or part of
    it, returned again right under itself), as (the first copy's lines, the second's, and
    the lines of verses the text prints twice).

    A block is two different lines or more: three or more, or two with a paragraph among
    them (two short lines said twice are a caption and its credit, not the text). A block of
    short lines that the text around it says is said again ("... singing its first lines
    twice:", "... which they repeated") is a verse or a chant printed twice: both copies stay.
    """
    first: set[int] = set()
    second: set[int] = set()
    verses: set[int] = set()
    # A copy starts where the block's first two lines are said again: (key, next key) ->
    # positions in `kept`, in order.
    where: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position in range(len(kept) - 1):
        where[keys[kept[position]], keys[kept[position + 1]]].append(position)
    repeats_from = _paragraph_repeats_from(doc, kept, keys)
    position = 0
    while position < len(kept) - 1:
        doc.budget.remaining()  # a page of thousands of short lines ends as a timeout
        starts = where[keys[kept[position]], keys[kept[position + 1]]]
        for later in starts[bisect.bisect_right(starts, position + 1) :]:
            size = later - position  # two lines or more
            if later + size > len(kept) or later > repeats_from[position]:
                # No room below for a second copy, nor for a later, longer one; or a block
                # this long holds a paragraph twice, so no copy is one block (_one_block): a
                # page of a few paragraphs pasted over and over is not read block by block.
                break
            # Line by line, to the first difference (building both blocks costs their size).
            if any(keys[kept[position + k]] != keys[kept[later + k]] for k in range(2, size)):
                continue
            block = [keys[i] for i in kept[position:later]]
            if not _one_block(doc, kept[position:later], block):
                continue
            with_paragraph = any(is_body_like(doc.lines[i].text) for i in kept[position:later])
            if size == 2 and not with_paragraph:
                continue
            if not with_paragraph and _said_again(doc, kept, position, later + size):
                verses.update(kept[position : later + size])
            else:
                first.update(kept[position:later])
                second.update(kept[later : later + size])
            position = later + size - 1
            break
        position += 1
    return first, second, verses


def _paragraph_repeats_from(doc: Doc, kept: tuple[int, ...], keys: list[str]) -> list[int]:
    """For each position p in `kept`, the first position q after it such that the lines from
    p to q hold a paragraph (a body-like line) twice: a block starting at p and reaching q
    is no one copy. len(kept) where there is none."""
    end = len(kept)
    repeats_from = [end] * (end + 1)
    seen: dict[str, int] = {}  # a paragraph's key -> its nearest position below
    for position in range(end - 1, -1, -1):
        key = keys[kept[position]]
        nearest = repeats_from[position + 1]
        if is_body_like(doc.lines[kept[position]].text):
            if key in seen:
                nearest = min(nearest, seen[key])
            seen[key] = position
        repeats_from[position] = nearest
    return repeats_from


def _said_again(doc: Doc, kept: tuple[int, ...], start: int, end: int) -> bool:
    """Whether the text around kept lines `start` to `end` (exclusive) says they were said
    again: the line above, or the paragraph above a short line that introduces them ("The
    crowd sang it twice over." / "The chorus went:"), or the line below ("... were sung twice
    over."). A table or a list the page printed twice has no such words around it."""
    around = [doc.lines[kept[position]].text for position in range(max(0, start - 2), start)]
    if len(around) == 2 and not (around[1].endswith(":") and not is_body_like(around[1])):
        around = around[1:]
    if end < len(kept):
        around.append(doc.lines[kept[end]].text)
    return any(_SAID_AGAIN.search(text) for text in around)


def _one_block(doc: Doc, indices: tuple[int, ...], block: list[str]) -> bool:
    """Whether lines `indices` (keys `block`) can be one copy of a doubled block: each line
    once, or, in a block with a paragraph, short sentences said again inside it ("Yes."
    answering two questions) among three different lines or more. A line said four times in
    a row is no block."""
    counts = Counter(block)
    if len(counts) == len(block):
        return True
    # A page's text pasted twice holds a paragraph; a chant or a verse printed twice does not.
    if not any(is_body_like(doc.lines[i].text) for i in indices):
        return False
    return len(counts) >= 3 and not any(
        is_body_like(doc.lines[i].text)
        for i, key in zip(indices, block, strict=True)
        if counts[key] > 1
    )


def _refrain(doc: Doc, copies: list[int], staying: _Chain, said_where: list[int]) -> bool:
    """Whether the copies of a short line are a refrain of the text: each stands apart between
    two kept sentences of the text (the first may be announced: "Crowds chanted:"), or each is
    a line of a verse quoted between paragraphs. A caption shown twice stands right under
    itself, a banner under the headline or beside other furniture."""
    text = doc.lines[copies[0]].text
    if is_body_like(text) or looks_like_caption(text):
        return False  # a paragraph said twice keeps its first copy; a caption goes
    # Removed lines, and those this run removes, are not read: a second run will not see them.
    if not all(i in staying for i in copies):
        return False
    doc.budget.remaining()
    verse = _verse(doc, copies[0], staying, said_where)
    if verse is not None and all(_verse(doc, i, staying, said_where) == verse for i in copies[1:]):
        return True  # "Gaza is our heart" opening and closing one stanza
    # Or each copy apart from the others, between the end of a sentence (or a colon) and a
    # sentence, maybe under its section's own title ("The tax bill" / "What it does" / ...);
    # the first copy that is not ends the search.
    for index, later in zip(copies, [*copies[1:], None], strict=True):
        above, below = staying.near(index, -1), staying.near(index, 1)
        if above is not None and _section_title(doc, above, said_where):
            above = staying.near(above, -1)
        if (
            above is None
            or below is None
            or below == later
            or not _ends_sentence_or_colon(doc.lines[above].text)
            or not ends_like_sentence(doc.lines[below].text)
        ):
            return False
    return True


def _section_title(doc: Doc, index: int, said_where: list[int]) -> bool:
    """Whether line `index` may title a section of the text: said once, a few words, no stop."""
    text = doc.lines[index].text
    return (
        said_where[index] == 1
        and word_count(text) <= CROSSHEAD_MAX_WORDS
        and not ends_like_sentence(text)
        and not text.endswith(":")
    )


class _Chain:
    """Lines in order, each linked to the one before and after it: a line's neighbour is
    found at once, however many lines around it have been taken out."""

    def __init__(self, indices: list[int]) -> None:
        last = len(indices) - 1
        self._links = {
            index: [indices[at - 1] if at else None, indices[at + 1] if at < last else None]
            for at, index in enumerate(indices)
        }

    def __contains__(self, index: int) -> bool:
        return index in self._links

    def near(self, index: int, step: int) -> int | None:
        """The line before (`step` -1) or after (1) line `index`, or None at either end."""
        return self._links[index][0 if step < 0 else 1]

    def remove(self, indices: list[int]) -> None:
        for index in indices:
            before, after = self._links.pop(index)
            if before is not None:
                self._links[before][1] = after
            if after is not None:
                self._links[after][0] = before


def _ends_sentence_or_colon(text: str) -> bool:
    return ends_like_sentence(text) or text.endswith(":")


def _verse(doc: Doc, index: int, staying: _Chain, said_where: list[int]) -> tuple[int, int] | None:
    """The verse that line `index` is a line of, as its first and last lines: a run of three
    short lines or more (VERSE_MAX_LINES at most: a longer one is a table or a list), two of
    them said only there, with a paragraph of prose right above and below; None when the
    line is in no verse. Only the lines `staying` are read. (Copies in two runs are two
    teaser boxes sharing a title, not a refrain.) `said_where[i]` is how many lines say what
    line i says: a line said elsewhere too may go in the same run, and a second run would
    then not see the verse."""

    def short(at: int) -> bool:
        text = doc.lines[at].text
        return not is_body_like(text) and not looks_like_caption(text)

    ends = []
    for step in (-1, 1):
        run = [index]
        beyond = staying.near(index, step)
        while beyond is not None and short(beyond):
            run.append(beyond)
            if len(run) > VERSE_MAX_LINES:
                return None
            beyond = staying.near(beyond, step)
        ends.append((run, beyond))
    (upward, above), (downward, below) = ends
    run = upward[::-1] + downward[1:]
    texts = [doc.lines[i].text for i in run]
    if any(a == b for a, b in zip(texts, texts[1:], strict=False)):
        return None  # a caption shown twice in a row: a gallery, not a verse
    verse = (
        above is not None
        and below is not None
        and doc.is_prose(above)
        and doc.is_prose(below)
        and sum(said_where[i] == 1 for i in run) >= 2
    )
    return (run[0], run[-1]) if verse else None


def headline_copy(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: later lines that repeat the headline (bulleted, or as a page title 'X | Site').

    Why: the headline is output once, as line 1; its copies are page furniture.
    Example: "• Iraq: US airstrikes push Baghdad..." under the headline is removed.
    """
    kept = doc.kept()
    if not kept:
        return [], []
    headline_text = doc.lines[kept[0]].text
    headline = comparable(headline_text)
    # "Enough is enough." under the headline "Enough is enough" is a sentence of the text.
    sentence_only = not ends_like_sentence(headline_text)
    # A headline, not a paragraph in its place nor a stray label (":").
    quotable = _quotable(headline_text) and any(c.isalpha() for c in headline_text)
    found: Removals = []
    for pos, i in enumerate(kept[1:], start=1):
        text = doc.lines[i].text
        if sentence_only and ends_like_sentence(text):
            continue
        if (
            quotable
            and _word_for_word(text, headline_text)
            and _said_in_text(doc, kept[pos - 1], i)
        ):
            continue  # the headline's words quoted or asked again by the text, as they are
        if comparable(text) == headline or _without_title_suffix(text) == headline:
            found.append(_removal(doc, i, rule))
    return found, []


def _word_for_word(text: str, other: str) -> bool:
    """Whether two lines say the same word for word, in any case and with any quote marks
    ("‘Roti, kapra aur makaan’" quoting the headline "'Roti, kapra aur makaan'")."""
    if len(text) != len(other):
        return False  # most lines (straightening quotes keeps a line's length)
    return straight_quotes(text).casefold() == straight_quotes(other).casefold()


def _said_in_text(doc: Doc, above: int, index: int) -> bool:
    """Whether line `index` is the text's own: announced by the kept line `above` ("... the
    question remains:", a verse under "... a promise:") or standing between two paragraphs
    (a question headline asked again, between two different paragraphs: when they are one
    paragraph shown twice, a later pass sees it once). Only a copy word for word (in any
    case, with any quote marks): the page's own copies are bulleted or carry a title's
    suffix ("X | Site")."""
    text = doc.lines[index].text
    announcer = doc.lines[above].text
    if (
        announcer.endswith(":")
        and not text.endswith(":")
        and (word_count(announcer) > LABEL_MAX_WORDS or _said_once(doc, above))
    ):
        # Not under a label (a label under a label is no quotation), nor under a short line
        # the page repeats: "Read more:" under each copy of the headline is a link label. A
        # sentence ("The poem opens with a promise:") announces, even on a page pasted twice.
        return True
    return (
        text.rstrip("\"”’'»)").endswith("?")
        and doc.between_prose(index)
        and doc.lines[index - 1].text != doc.lines[index + 1].text
    )


def _quotable(headline: str) -> bool:
    """Whether the text may quote or ask again the words of `headline`: a headline, not a
    paragraph in its place; a question may be as long as a paragraph ("Who really benefits
    from the war on Yemen?")."""
    return not is_body_like(headline) or headline.rstrip("\"”’'»)").endswith("?")


def _said_once(doc: Doc, index: int) -> bool:
    """Whether no other line of the document says what line `index` says."""
    key = comparable(doc.lines[index].text)
    return sum(comparable(line.text) == key for line in doc.lines) == 1


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _without_title_suffix(text: str) -> str:
    """The comparable key of a page title without its site suffix: 'X | Site' -> 'x'."""
    return comparable(_TITLE_SUFFIX.sub("", text))


def _content_words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _repeated_before_prose(doc: Doc, index: int, block: range) -> bool:
    """Whether line `index` is shown again in `block` before any paragraph of prose: a glued
    story repeats its headline over captions and logos; a slogan said again a few paragraphs
    on is the text's own refrain."""
    key = comparable(doc.lines[index].text)
    for j in block:  # the block starts right under the line
        if comparable(doc.lines[j].text) == key:
            # A line shown twice in a row is a caption shown twice (a gallery between the
            # paragraphs), unless the copy is bulleted, as a page repeats its headline, and
            # stands alone (a key-points list may open with the crosshead over it); a
            # picture's alt text, the credited caption under it, repeats a crosshead.
            headline_copy = doc.lines[j].text[:1] in LIST_BULLETS and not _list_follows(doc, j)
            return (j != index + 1 or headline_copy) and not doc.echoed_below(j)
        if doc.is_prose(j):
            return False  # most crossheads: the paragraph under them comes first
    return False


def _list_follows(doc: Doc, index: int) -> bool:
    """Whether the next non-empty line under line `index` is a list item ("- Tk 500 crore")."""
    below = next((line.text for line in doc.lines[index + 1 :] if line.text), "")
    return bool(_LIST_ITEM.match(below))


def _article_dates(doc: Doc, head: int) -> list[date]:
    dates = [d for i in range(min(head, len(doc.lines))) for d in find_dates(doc.lines[i].text)]
    for removal in doc.removed.values():
        captured = dict(removal.captured)
        if "published" in captured:
            dates += find_dates(captured["published"])
    return dates


def glued_story(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a second story glued under the article is removed from its headline down.

    Why: infinite-scroll pages append the next article; it is not part of the one asked for.
    A candidate is a headline-like line after body text. Evidence: the line repeats within the
    next few lines or opens a block of captions/credits (structure), header dates well after
    the article's own (an archive picture's date is not one), and few words shared with the
    text above. A repeated headline needs a header block or such a date; a header block alone
    (two lines or more) needs both the date and the unrelated words. A line in a list is no
    candidate.
    Example: a February 2024 article followed by "Egypt, Jordan and Others Call...", its
    captions dated 17 June 2025 and its repeated headline -> all of it removed as other-story.
    """
    window, gap_days = params["window"], params["date_gap_days"]
    own_dates: list[date] | None = None  # found only once a candidate has a header block
    kept = doc.kept()
    body_seen = 0
    for pos, c in enumerate(kept):
        text = doc.lines[c].text
        if is_body_like(text):
            body_seen += 1
            continue
        if (
            body_seen < params["min_body_before"]
            or not is_headline_like(text)
            or _LIST_ITEM.match(text)  # "- Opening new markets in Africa"
            or looks_like_caption(text)  # "A convoy waits at the crossing. (File photo)"
            or doc.in_list(c)  # a song's refrain under "... goes:"
        ):
            continue
        block = range(c + 1, min(c + 1 + window, len(doc.lines)))
        repeat = _repeated_before_prose(doc, c, block)
        # A story's header block sits right under its headline; a caption a few paragraphs
        # below a crosshead is part of the article.
        header_lines = sum(
            doc.kind_at(j) in HEADER_KINDS
            or (j + 1 < len(doc.lines) and doc.lines[j].text == doc.lines[j + 1].text)
            or looks_like_caption(doc.lines[j].text)
            for j in block[: params["header_lines"]]
        )
        header = header_lines > 0
        if not (repeat or header):
            continue
        if own_dates is None:  # the article's head, above the candidate (never the story's)
            own_dates = _article_dates(doc, min(params["head_lines"], c))
        # Dates of the header lines (captions, datelines), not of the prose: an article's
        # body names past dates ("since October 7, 2023") all the time.
        later = [
            d
            for j in block
            if not is_body_like(doc.lines[j].text) and not _FILE_PICTURE.search(doc.lines[j].text)
            for d in find_dates(doc.lines[j].text)
        ]
        # Later, not only distant: a file photo under a crosshead ("taken on June 20, 2019")
        # is older than the article; a story glued below it by the page is not.
        far = (
            bool(own_dates and later)
            and min((d - o).days for d in later for o in own_dates) > gap_days
        )
        if not (repeat or far):
            continue  # a header block alone needs a distant date too (and unrelated words)
        above = _content_words(" ".join(doc.lines[i].text for i in kept[:pos]))
        below = _content_words(" ".join(doc.lines[i].text for i in kept[pos + 1 : pos + 12]))
        overlap = len(below & above) / len(below) if below else 1.0
        unrelated = overlap < params["max_overlap"]
        # Without a repeated headline, one picture under a crosshead is the article's own (an
        # interview's later photo); a glued story's header holds two lines or more (a caption
        # and its copy or credit, a time stamp, a logo).
        full_header = header_lines >= 2
        # A line said twice among unrelated words is a refrain or a chant as often as a glued
        # headline: a repeat needs a header block or a later date too.
        if (repeat and (header or far)) or (full_header and far and unrelated):
            cut = range(label_over(doc, c), len(doc.lines))
            removals = [_removal(doc, i, rule) for i in cut]
            why = ", ".join(
                n
                for n, on in (
                    ("repeated headline", repeat),
                    ("header block", header),
                    ("distant date", far),
                    ("unrelated words", unrelated),
                )
                if on
            )
            return removals, [story_warning(doc, cut, why, _story_headline(doc, block, c))]
    return [], []


def story_warning(
    doc: Doc, block: Sequence[int], why: str, headline: str | None = None
) -> CleanWarning:
    """The `glued_story` warning for the story cut as lines `block`, named by its `headline`
    (by default its first line, or the line under a section label and a time stamp: "Stock",
    "3 hours ago"). Under the article's own headline and saying one of its
    paragraphs again, it is the page returned again (an infinite scroll reloading it); a
    weekly story under the same headline is another story."""
    if headline is None:
        headline = _story_name([doc.lines[i].text for i in block[: STORY_LABEL_LINES + 1]])
    above = [i for i in doc.kept() if i < block[0]]
    own = {comparable(doc.lines[i].text) for i in above if is_body_like(doc.lines[i].text)}
    again = (
        bool(above)
        and comparable(headline) == comparable(doc.lines[above[0]].text)
        and any(comparable(doc.lines[i].text) in own for i in block)
    )
    what = "a second copy of the article" if again else "a glued story"
    headline = shorten(headline, QUOTE_CHARS)  # a paragraph taken for a headline: one line
    return CleanWarning(
        "glued_story", f"removed {what} {headline!r} from line {doc.lines[block[0]].no} ({why})"
    )


def _story_name(head: list[str]) -> str:
    """A story's headline among the first lines of its head: past up to STORY_LABEL_LINES
    short lines (a label, a time), when the line there reads as a headline, else the first."""
    skip = 0
    while (
        skip < min(STORY_LABEL_LINES, len(head) - 1) and word_count(head[skip]) <= STORY_LABEL_WORDS
    ):
        skip += 1
    name = head[skip]
    headline = word_count(name) > STORY_LABEL_WORDS and not looks_like_caption(name)
    return name if headline else head[0]


def story_between_notes(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a story glued under the article's closing note that ends on a note of its own is
    removed from its headline down.

    Why: a site that closes every story with the same note (the rule's pattern: Dawn's
    "Published in Dawn, ...") prints it under each story an infinite-scroll page glues on. A
    headline under one note, over text that a second note closes, is a second story, even
    with no dateline or picture to open it (an editorial, a letter). Both notes must give a
    date, at most `max_gap_days` apart (0: the same edition): an update under the note that
    the next day's edition closes, a column or an editorial the article quotes with its own
    note, and a correction are the article's text.
    Example: "Published in Dawn, May 30th, 2024" / "Parking mafia" / "THIS refers to ..." /
    "Published in Dawn, May 30th, 2024" -> removed from "Parking mafia".
    """
    notes = [i for i in doc.may_match_at(rule) if line_matches(rule, doc, i) is not None]
    kept = doc.kept()
    for note, next_note in zip(notes, notes[1:], strict=False):
        between = [i for i in kept if note < i < next_note]
        if len(between) < 2 or not _dated_within(doc, note, next_note, params["max_gap_days"]):
            continue
        # A headline over prose, maybe one word ("Smog") or a question.
        headline = doc.lines[between[0]].text
        if (
            not is_headline_like(headline, min_words=1, questions=True)
            or _LIST_ITEM.match(headline)
            or doc.is_prose(between[0])
            or not any(doc.is_prose(i) for i in between[1:])
        ):
            continue
        cut = range(between[0], len(doc.lines))
        removals = [_removal(doc, i, rule) for i in cut]
        return removals, [story_warning(doc, cut, "a closing note above and below", headline)]
    return [], []


def _dated_within(doc: Doc, first: int, second: int, days: int) -> bool:
    """Whether lines `first` and `second` each give a date, the two at most `days` apart."""
    dates, others = find_dates(doc.lines[first].text), find_dates(doc.lines[second].text)
    return any(abs((o - d).days) <= days for d in dates for o in others)


def link_block(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a list heading ("Related articles", "More on this story") and the list under it.

    Why: teaser lists of other stories, with their dates, sit between or under the paragraphs.
    The rule's own pattern names the heading; the list runs over the short lines that follow
    and stops at the first kept line that reads like prose (long, a sentence of
    `min_sentence_words` words or more, or a shorter statement: "Democrats are divided."; a
    short question is a teaser's title, "What is Hezbollah?"), so body text after a
    mid-article list is kept. A list whose items all give a practical fact ("Where: ...",
    "Dónde: ...") is the article's fact box. With `max_teasers` (a heading that announces one
    story, "Lee también"), the list stops before a further line that is neither a name nor a
    date (a teaser's author and date go with it), a crosshead of the text under the box,
    unless that line is a headline's length over its own author or date: a second teaser.
    Example: "Related articles", "Heatwave warnings issued", "14 July 2024" -> all removed;
    dates inside the list leave no metadata (the list's removal replaces the date rule's).
    """
    candidates = doc.may_match_at(rule)
    if not candidates:
        return [], []  # most documents: no line may be the heading
    kept = doc.kept()
    if not kept:
        return [], []
    max_teasers = params["max_teasers"] or len(doc.lines)
    found: Removals = []
    headings = iter(candidates)
    index = kept[0] + 1
    while index < len(doc.lines):
        index = next((i for i in headings if i >= index), len(doc.lines))
        if index == len(doc.lines) or line_matches(rule, doc, index) is None:
            index += 1
            continue
        block = [index]
        teasers = 0
        index += 1
        while index < len(doc.lines):
            text = doc.lines[index].text
            words = word_count(text)
            if doc.is_kept(index) and (
                is_body_like(text)
                or words > params["max_item_words"]
                # a short line that ends like a sentence may be a one-sentence paragraph
                or (words >= params["min_sentence_words"] and ends_like_sentence(text))
                or (words >= 2 and ends_on_full_stop(text))
            ):
                break
            if doc.is_kept(index) and not _teaser_detail(text):
                teasers += 1
                if teasers > max_teasers and not _another_teaser(doc, index):
                    break
            if doc.is_kept(index) or doc.removed[index].captured:
                block.append(index)
            index += 1
        if not _fact_box(doc, block[1:]):
            found += [_removal(doc, i, rule) for i in block]
    return found, []


# The labels of an article's practical facts ("Dónde: Museo del Prado", "When: 10am to 4pm");
# a teaser's kicker is a topic ("Pflege: Tausende Stellen unbesetzt").
_FACT_ITEM = re.compile(
    r"(?:Where|When|Price|Prices|Tickets|Admission|Opening hours|Hours|Address|Info|Contact"
    r"|Où|Quand|Prix|Tarifs?|Horaires|Adresse|Réservations?"
    r"|Wo|Wann|Preis|Preise|Eintritt|Öffnungszeiten"
    r"|Dónde|Cuándo|Precio|Precios|Entradas|Horario|Dirección)\s?:\s+\S",
    re.IGNORECASE,
)


def _another_teaser(doc: Doc, index: int) -> bool:
    """Whether line `index` is a further teaser's title: a headline's length (a crosshead is a
    few words, "Calendario de aplicación") over that story's author or date."""
    return (
        word_count(doc.lines[index].text) >= TITLE_MIN_WORDS
        and index + 1 < len(doc.lines)
        and _teaser_detail(doc.lines[index + 1].text)
    )


def _teaser_detail(text: str) -> bool:
    """Whether a line under a teaser's headline is its author ("Ana Macpherson") or its date."""
    return _name_shaped(text) or parse_date(text) is not None


def _fact_box(doc: Doc, items: Sequence[int]) -> bool:
    """Whether a list's items all open on a practical fact's label and a colon: the
    article's own box of facts ("Más información" over "Dónde: ...", "Cuándo: ...",
    "Precio: ..."), not teasers of other stories."""
    shown = [doc.lines[i].text for i in items if doc.is_kept(i)]
    return len(shown) >= 2 and all(_FACT_ITEM.match(text) for text in shown)


def bio_byline(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a writer's name alone over the text (the rule's regex, with its `authors` group),
    when a paragraph of the closing opens with that name and tells who the writer is: a
    writer's trade (`roles`: "journalist", "columnist", "economist", ...).

    Why: an opinion page names its writer over the column and ends on the writer's bio; the
    bio, not the line's shape, makes the line a byline (a crosshead, a book's title or the
    headline's copy has the same shape, and a profile ends on its subject: "Asaad
    Al-Shaibani has been the face of Syria's new diplomacy"). The column's text does not
    name its writer, where a profile's or an obituary's names its subject.
    Example: "Abdulrahman Al-Rashed" over the first paragraph, and "Abdulrahman Al-Rashed is
    a veteran Saudi journalist." closing the page: the first line goes, its name to authors.
    """
    kept = doc.kept()
    roles = _trades(tuple(params["roles"]))
    for index in doc.may_match_at(rule):
        if not doc.is_kept(index):
            continue
        groups = line_matches(rule, doc, index)
        if groups is None:
            continue
        name = groups.get("authors", doc.lines[index].text)
        opening = re.compile(rf"{re.escape(name)}(?:,| is\b| was\b| has been\b)")
        bio = next(
            (
                j
                for j in kept
                if j > index
                and doc.in_closing(j)
                and opening.match(doc.lines[j].text)
                and roles.search(doc.lines[j].text)
            ),
            None,
        )
        # A profile's or an obituary's subject is named in its text too ("Salam said ...");
        # a column's text never names its writer.
        last = re.sub(r"^(?:[Aa]l|[Ee]l)-", "", name.split()[-1])  # "al-Shaibani": "Shaibani"
        surname = re.compile(rf"\b{re.escape(last)}\b")
        if bio is not None and not any(
            surname.search(doc.lines[j].text) for j in kept if j not in (index, bio)
        ):
            return [_removal(doc, index, rule, authors=name)], []
    return [], []


@functools.cache
def _trades(roles: tuple[str, ...]) -> re.Pattern[str]:
    """A writer's trades as one pattern, built once per list (see `bio_byline`)."""
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, roles))})s?\b", re.IGNORECASE)


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _quote_key(text: str) -> str:
    return " ".join(_QUOTES.sub("", text).casefold().split()).strip(_EDGE_PUNCT)


def pull_quote(rule: Rule, doc: Doc, params: Mapping[str, Any]) -> Finding:
    """What: a short quoted line whose words also appear inside a body paragraph.

    Why: magazine layouts repeat a sentence of the article in large type; a scraper keeps both.
    Only lines that open with a quote mark qualify (crossheads and list items often repeat
    words of a paragraph), and not one in a run of quoted lines (a statement's points, one per
    line, may repeat what the lead quoted) nor one the line above announces with a colon
    ("... right at home:"), nor one the text says it says again ("He repeats the sentence to
    every visitor"); the paragraph holding the words survives. It must come above the line: a
    quoted line above the paragraph may be a crosshead opening its section with the quote,
    and the text's last line may close it with a callback, so those are kept, with a
    `pull_quote_kept` warning.
    Example: '"Like a second spring for the high street"' under the paragraph that quotes
    the mayor saying it -> the short copy is removed.
    """
    kept = doc.kept()
    bodies: list[tuple[int, str]] | None = None  # built once a line qualifies
    found: Removals = []
    warnings: list[CleanWarning] = []
    quoted = {i for i in kept[1:] if doc.lines[i].text.startswith(_OPENING_QUOTES)}
    if not quoted:
        return [], []  # most documents
    for pos, i in enumerate(kept[1:], start=1):
        if i not in quoted:
            continue  # a crosshead or a list item may well repeat words of the text
        text = doc.lines[i].text
        if word_count(text) > params["max_words"]:
            continue
        if kept[pos - 1] in quoted or (pos + 1 < len(kept) and kept[pos + 1] in quoted):
            continue  # one of a run of quoted lines: a statement's points, not a pull quote
        if doc.lines[kept[pos - 1]].text.endswith(":"):
            continue  # announced by the text ("The statement concluded:"): a quotation of it
        if pos + 1 < len(kept) and _SAID_AGAIN.search(doc.lines[kept[pos + 1]].text):
            continue  # "He repeats the sentence to every visitor": the text says it again
        key = _quote_key(text)
        if len(key) < params["min_chars"]:
            continue
        if bodies is None:
            bodies = [(j, _quote_key(doc.lines[j].text)) for j in kept[1:]]
            bodies = [(j, body) for j, body in bodies if is_body_like(doc.lines[j].text)]
        source = next((j for j, body in bodies if len(body) > len(key) and key in body), None)
        if source is not None and source < i and pos + 1 < len(kept):
            found.append(_removal(doc, i, rule))
        elif source is not None and source < i:
            message = f"kept line {doc.lines[i].no}: a quoted line that ends the text, as a "
            message += "callback to a paragraph above may"
            warnings.append(CleanWarning("pull_quote_kept", f"{message} ({rule.id})"))
        elif source is not None:
            message = f"kept line {doc.lines[i].no}: a quoted line that the paragraph below it says"
            warnings.append(CleanWarning("pull_quote_kept", f"{message} ({rule.id})"))
    return found, warnings


def _story_headline(doc: Doc, block: range, start: int) -> str:
    """The glued story's headline: the first headline-like line of its header block that the
    block shows twice (a site-name bar above it is not the headline), else the first line."""
    keys = [comparable(doc.lines[j].text) for j in block]
    for j in (start, *block):
        text = doc.lines[j].text
        if is_headline_like(text) and keys.count(comparable(text)) >= (1 if j == start else 2):
            return text
    return doc.lines[start].text


@dataclass(frozen=True, slots=True)
class DetectorInfo:
    """Registry entry: the function, its default parameters and the phase it runs in.

    `settles` marks a detector that finds nothing new in its own output: what it removes
    depends only on the kept lines, and a subset of them holds no new case (a headline's
    copies, a repeated line's extra copies, a pull quote's paragraph). Cleaning passes after
    the first skip it; tests/test_properties.py checks that cleaning stays idempotent.
    """

    func: Callable[[Rule, Doc, Mapping[str, Any]], Finding]
    defaults: Mapping[str, Any]
    phase: str  # "structure" (before repeats), "repeats", or "headline"
    settles: bool = False


DETECTORS: dict[str, DetectorInfo] = {
    "glued_story": DetectorInfo(
        glued_story,
        {
            "window": 8,
            "header_lines": 3,
            "min_body_before": 2,
            "date_gap_days": 60,
            "max_overlap": 0.3,
            "head_lines": 8,
        },
        "structure",
    ),
    "caption_echo": DetectorInfo(caption_echo, {"min_words": 5, "max_credit_words": 15}, "repeats"),
    "repeated_line": DetectorInfo(repeated_line, {"min_chars": 1}, "repeats", settles=True),
    "headline_copy": DetectorInfo(headline_copy, {}, "headline", settles=True),
    "story_between_notes": DetectorInfo(story_between_notes, {"max_gap_days": 0}, "structure"),
    "link_block": DetectorInfo(
        link_block,
        {"max_item_words": 16, "min_sentence_words": 4, "max_teasers": 0},
        "structure",
    ),
    "pull_quote": DetectorInfo(
        pull_quote, {"max_words": 30, "min_chars": 20}, "repeats", settles=True
    ),
    "bio_byline": DetectorInfo(bio_byline, {"roles": BIO_ROLES}, "structure"),
}
# Detectors that a cleaning pass over the kept lines need not run again (see DetectorInfo).
SETTLED_DETECTORS = frozenset(name for name, info in DETECTORS.items() if info.settles)
