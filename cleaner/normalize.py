"""Whitespace normalization and segmentation of input text into numbered lines."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from .model import Line

# Pure per-line functions asked many times per line are memoized. A small cache holds the
# lines of the document being cleaned and a site's recurring furniture; a larger one only
# keeps old body paragraphs alive (8192 entries: 50 MB more per process, and slower). 256
# entries keep a worker 3.3 MB smaller than 512 after 200,000 documents (123.7 MB against
# 127.0), at no measurable cost in speed since RE2's scans got cheap (prefilter.RE2_MAX_MEM;
# 512 was worth 4-8% before); 128 saves 0.6 MB more.
LINE_CACHE_SIZE = 256
QUOTE_CHARS = 100  # a line quoted in a warning is cut to this many characters (`shorten`)
MIN_CUT_COPY_CHARS = 20  # letters a copy cut short with "..." must keep to count as one
# Zero-width spaces, word joiners, the BOM and soft hyphens carry no text; scrapers leave them
# everywhere. The zero-width (non-)joiners stay: Persian, Urdu and Bengali words and emoji
# sequences are spelled with them.
_INVISIBLE_CHARS = "\u200b\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# C0 control characters that are no whitespace (tab, line breaks and the separators \x1c-\x1f
# are): a stray one left by a scraper carries no text. Lines holding one are not printable,
# so only those lines are searched.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b]")
# Line breaks other than "\n" (a substring test finds them ten times faster than a regex).
_BREAKS = "\r\u2028\u2029\x0b\x0c\x85"
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# HTML character references a scraper left in its text ("&amp;", "&#8217;", "&nbsp;"): only
# complete ones, ending in ';'. They are reported, not decoded: a story about escaping quotes
# them as its own words.
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Bullets and dashes a scraper keeps in front of list items and repeated headlines.
_BULLETS = "\u2022\u25cf\u25aa\u25e6\u2023\u2043*-–—·›»>|"
_BULLET = re.compile(f"^[{re.escape(_BULLETS)}]+\\s*")


def normalize_line(text: str) -> str:
    r"""Collapse every run of whitespace to one space and strip the ends; drop control and
    zero-width characters.

    str.split() splits on exactly the characters `\s` matches (str.isspace), so it does the
    collapsing.
    """
    return _collapse(_without_invisible(text))


def split_lines(text: str) -> list[Line]:
    """Split text into its non-empty normalized lines, keeping 1-based input line numbers.

    The same as `normalize_line` on each line, with the invisible characters removed from
    the whole text at once.
    """
    if any(char in text for char in _BREAKS):
        text = _NEWLINES.sub("\n", text)
    text = _without_invisible(text)
    raws = text.split("\n")
    numbered = [(no, clean) for no, raw in enumerate(raws, start=1) if (clean := _collapse(raw))]
    # The blank lines after a line are the gap to the next non-empty one (or to the end; a
    # final line break ends the last line and opens none).
    end_of_text = len(raws) + (0 if text.endswith("\n") else 1)
    ends = [no for no, _ in numbered[1:]] + [end_of_text] if numbered else []
    return [Line(no, clean, end - no - 1) for (no, clean), end in zip(numbered, ends, strict=True)]


def character_references(text: str) -> list[str]:
    """The HTML character references in a text ("&amp;", "&#8217;"), in order."""
    return _CHAR_REF.findall(text) if "&" in text else []


def _collapse(line: str) -> str:
    """`normalize_line` of one line already free of invisible characters.

    Every whitespace character but the space is unprintable, so a printable line without two
    spaces in a row only needs its ends stripped: most lines, which are then not split into
    words and joined again. An unprintable line also loses its control characters.
    """
    if line.isprintable():
        return line.strip(" ") if "  " not in line else " ".join(line.split())
    return " ".join(_CONTROLS.sub("", line).split())


def _without_invisible(text: str) -> str:
    """The text without zero-width characters (only non-ASCII text can hold them)."""
    if text.isascii() or not any(char in text for char in _INVISIBLE_CHARS):
        return text
    return _INVISIBLE.sub("", text)


def strip_bullet(text: str) -> str:
    """The line without a leading bullet or dash, as used to compare repeated headlines."""
    return _BULLET.sub("", text) if text[:1] in _BULLETS else text


# Curly quotes read as straight ones when lines are compared: a page's two copies of a caption
# may be typed apart ("Bangladesh’s" in the alt text, "Bangladesh's" in the caption).
_STRAIGHT_QUOTES = (("‘", "'"), ("’", "'"), ("‛", "'"), ("“", '"'), ("”", '"'), ("„", '"'))


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def comparable(text: str) -> str:
    """A loose key for comparing two lines: no bullets, case-folded, straight quotes, no
    trailing punctuation."""
    return straight_quotes(strip_bullet(text).casefold().rstrip(" .:;,!").strip())


def straight_quotes(text: str) -> str:
    """The text with its curly quotes straight (same length, so offsets carry over)."""
    if text.isascii():
        return text
    for curly, straight in _STRAIGHT_QUOTES:  # most lines hold none or one kind: a scan each
        if curly in text:
            text = text.replace(curly, straight)
    return text


def shorten(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with an ellipsis when longer (to quote it in a
    message or a preview)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


# Whatever is not a letter or digit: `\W` is what `str.isalnum` rejects, plus "_" (checked
# on every code point).
_NOT_ALNUM = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def letters_key(text: str) -> str:
    """The letters and digits of a line, case-folded, as one word: two copies of a headline
    compare alike whatever their dashes, quotes, bullets, HTML references ("Iran&#039;s")
    or Unicode composition. Cached: a page's lines between copies compare each line with
    both of its neighbours."""
    text = unicodedata.normalize("NFKC", html.unescape(text) if "&" in text else text)
    return _NOT_ALNUM.sub("", text.casefold())


def copies_of_each_other(one: str, other: str) -> bool:
    """Whether two lines are copies of one line (see `letters_key`), one maybe cut short
    with an ellipsis ("... the Axis of...")."""
    first, second = letters_key(one), letters_key(other)
    if first == second:
        return bool(first)
    return any(
        cut.rstrip().endswith(("...", "…"))
        and len(key) >= MIN_CUT_COPY_CHARS
        and whole.startswith(key)
        for cut, key, whole in ((one, first, second), (other, second, first))
    )
