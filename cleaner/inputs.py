"""Reading inputs: files, folders, standard input, gzip, and bytes decoded with detection."""

from __future__ import annotations

import codecs
import decimal
import gzip
import io
import json
import math
import os
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import charset_normalizer

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# A folder is cleaned file by file; only files that look like articles or records are taken.
BINARY_MAGIC = (b"\x89PNG", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04")
MAX_NUL_SHARE = 0.01  # more NUL bytes than this (outside UTF-16) means binary data
UTF16_MIN_NUL_SHARE = 0.7  # NULs among the high bytes of BOM-less UTF-16 (mostly ASCII text)
MIN_SPACE_SHARE = 0.05  # spaces and line breaks in text of words (a word every 20 characters)
MAX_CONTROL_SHARE = 0.05  # more C0 control bytes than this (not tab/newline/ESC) means binary
SAMPLE_BYTES = 65_536  # encoding detection and binary sniffing look at the first 64 KiB
# Single-byte code pages tried in order (ties go to the first); Latin-1 is read as its
# superset Windows-1252, as browsers do.
LEGACY_ENCODINGS = ("cp1252", "cp1256", "cp1251", "cp1250", "cp1253", "cp1255", "cp1254")
MAX_IMPLAUSIBLE_SHARE = 0.3  # suspicious pairs per non-ASCII byte above which no code page fits
# "A few bad bytes" in otherwise UTF-8 input: at most this many damaged spots (runs of invalid
# bytes), or one per BYTES_PER_BAD_SPOT of the sample in a long text. In legacy-encoded text
# nearly every word with a non-ASCII letter is a damaged spot, so only short texts get here.
MAX_BAD_SPOTS = 4
MAX_BAD_RUN = 4  # invalid bytes in a row in one damaged spot (a cut character leaves 1-3)
BYTES_PER_BAD_SPOT = 2_000
_INVALID_RUN = re.compile("[\udc80-\udcff]+")  # invalid bytes, as surrogateescape reads them
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
_LETTERS = re.compile(r"[^\W\d_]+")
# One-letter words with an accent: a lowercase vowel with a grave or acute accent (French
# 'à', Italian 'è', Portuguese 'é', Spanish 'ó') or a Hungarian double acute ('ő').
_ONE_LETTER_WORD = re.compile("[àèéìíòóùúáőű]")
# JSONL: a number too large for a float is kept as an integer of at most this many digits;
# an error message quotes this many characters of a bad line.
MAX_NUMBER_DIGITS = 4_000
EXCERPT_CHARS = 40
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
HTML_SNIFF_BYTES = 4096  # a page's <meta charset> must be in its first 4 KiB (HTML spec: 1024)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I
)
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# Characters real prose almost never holds; code-page misreadings are full of them.
_RARE_CATEGORIES = frozenset({"No", "So", "Sk", "Sm", "Co", "Cn", "Cs"})
_RARE_SYMBOLS = frozenset("¤¦¨¯´¸¶")
# Non-letter characters that may stand between two letters of a word in real text.
_IN_WORD = frozenset("’‘·\u00ad\u200c\u200d\u200e\u200f\u0640")  # apostrophes, joiners
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class InputError(ValueError):
    """An input cannot be read; the message names what is wrong."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding that was used.

    `replaced` counts the U+FFFD that stand for invalid bytes of an otherwise UTF-8 input
    (one per run of bytes that cannot start or finish a character).
    """

    text: str
    encoding: str
    replaced: int = 0


def looks_binary(data: bytes) -> bool:
    """Whether bytes are an image, an archive or other non-text data (BOM-less UTF-16 aside)."""
    if data.startswith(tuple(bom for bom, _ in _BOMS)):
        return False
    if data.lstrip().startswith(BINARY_MAGIC):
        return True
    if _bomless_utf16(data[:SAMPLE_BYTES]) is not None:
        return False
    sample = data[:SAMPLE_BYTES]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls > MAX_CONTROL_SHARE * max(len(sample), 1)


def text_looks_binary(text: str) -> bool:
    """Whether a string is binary data a scraper decoded as text (an image read as Latin-1):
    `looks_binary` of its first characters read back as bytes, NULs left out. NULs alone are
    no sign: a fixed-size buffer pads real text with them, and they are dropped from text
    given as a string."""
    sample = text[:SAMPLE_BYTES].replace("\x00", "")
    return looks_binary(sample.encode("latin-1", errors="replace"))


def _bomless_utf16(data: bytes) -> Decoded | None:
    """UTF-16 without a byte order mark (some Windows tools write it), read when the text is
    mostly ASCII: then every other byte is a NUL, the high byte of each character. A stray
    last byte and a final NUL character (a C string's end) are left out."""
    if b"\x00" not in data[:SAMPLE_BYTES]:
        return None  # nearly every input: checked before the bytes are copied
    data = data[: len(data) - len(data) % 2]
    while data.endswith(b"\x00\x00"):
        data = data[:-2]
    sample = data[:SAMPLE_BYTES]
    if not sample:
        return None
    for encoding, high_bytes in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if high_bytes.count(0) >= UTF16_MIN_NUL_SHARE * len(high_bytes):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return Decoded(text, encoding) if _reads_as_text(text[: SAMPLE_BYTES // 2]) else None
    return None


def _reads_as_text(sample: str) -> bool:
    """Whether characters decoded from bytes with NULs in them read as text: no NUL, few
    control characters, and spaces between words (16-bit sound samples decode to a run of
    letters and signs with none)."""
    controls = sum(1 for char in sample if ord(char) in _CONTROL_BYTES)
    spaces = sum(1 for char in sample if char.isspace())
    return (
        "\x00" not in sample
        and controls <= MAX_CONTROL_SHARE * len(sample)
        and spaces >= MIN_SPACE_SHARE * len(sample)
    )


def decode_bytes(data: bytes) -> Decoded:
    """Decode text bytes: BOM, strict UTF-8, damaged UTF-8, then the likeliest legacy code page.

    Damaged UTF-8 (`_utf8_damage`): as many valid multi-byte characters as runs of invalid
    bytes, or a character cut off at the end, or a few short runs that no code page reads as
    words of a language; the runs become U+FFFD and are counted in `replaced`.

    Binary data (images, archives, NUL-heavy bytes) is an InputError, never garbage text.
    Legacy code pages are chosen by `_implausibility` over a fixed candidate list (Windows
    code pages, Latin-1 read as its superset Windows-1252, as browsers do); multi-byte legacy
    encodings (Shift-JIS, GBK...) are left to charset-normalizer.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise InputError(
                    "undecodable", f"bad {encoding} after its byte order mark: {exc}"
                ) from None
    if data.lstrip().startswith(BINARY_MAGIC):
        raise InputError("binary", "binary data (an image or archive), not text")
    if (bomless := _bomless_utf16(data)) is not None:
        return bomless
    if data.count(b"\x00") > MAX_NUL_SHARE * len(data):
        raise InputError("binary", "binary data (NUL bytes), not text")
    if looks_binary(data):
        raise InputError("binary", "binary data (control bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:SAMPLE_BYTES]
    damage = _utf8_damage(sample, whole=len(sample) == len(data))
    if damage.mostly_valid:
        return _damaged_utf8(data)
    scored = _legacy_candidates(sample, words_only=damage.few)
    if scored:
        score, _, encoding = min(scored)
        tied = [enc for points, _, enc in sorted(scored) if points == score]
        if len(tied) > 1 and LEGACY_ENCODINGS[0] not in tied:
            # Windows-1252 wins its ties (the commonest legacy encoding of news pages); among
            # others (Greek, Hebrew and Cyrillic all read as letters of one script), let
            # charset-normalizer's letter-frequency model choose among the tied code pages.
            guess = charset_normalizer.from_bytes(sample, cp_isolation=tied).best()
            if guess is not None and guess.encoding in tied:
                encoding = guess.encoding
        non_ascii = sum(1 for byte in sample if byte > 0x7F)
        if score <= MAX_IMPLAUSIBLE_SHARE * non_ascii:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                pass  # a byte past the sample is undefined in this code page
    if damage.few:  # no code page reads the bad spots as words: they are bad bytes
        return _damaged_utf8(data)
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError("undecodable", "cannot detect the text encoding")
    return Decoded(str(best), best.encoding)


def decode_html_bytes(data: bytes) -> Decoded:
    """Decode an HTML page: a BOM, then the page's own `<meta charset>`, then `decode_bytes`.

    A declared charset is trusted only when the bytes decode with it; Latin-1 and ASCII
    labels mean Windows-1252, as in browsers.
    """
    if not data.startswith(tuple(bom for bom, _ in _BOMS)):
        declared = _META_CHARSET.search(data[:HTML_SNIFF_BYTES])
        if declared:
            label = declared.group(1).decode("ascii").lower()
            label = _CHARSET_ALIASES.get(label, label)
            try:
                encoding = codecs.lookup(label).name
                return Decoded(data.decode(encoding), encoding)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: detect instead
    return decode_bytes(data)


@dataclass(frozen=True, slots=True)
class _Utf8Damage:
    """How far bytes that are not strict UTF-8 are from it.

    `valid`: multi-byte characters that decode; `spots`: runs of invalid bytes (a character
    cut off at the very end is not counted); `few`: the spots are few and short (a character
    cut in half, a stray byte or three), so the input is UTF-8 unless a code page reads those
    bytes as words of a language; `cut_end`: the input ends in the middle of a character.
    """

    valid: int
    spots: int
    few: bool
    cut_end: bool = False

    @property
    def mostly_valid(self) -> bool:
        if self.cut_end and not self.spots:  # all valid but a last character cut in half
            return True
        # Legacy text forms a valid UTF-8 sequence only by accident, while nearly every one
        # of its words with an accented or non-Latin letter is a run of invalid bytes.
        return self.valid > 0 and self.valid >= self.spots


def _utf8_damage(sample: bytes, whole: bool) -> _Utf8Damage:
    """Count the valid characters and the damaged spots of a sample read as UTF-8.

    `whole`: the sample is the whole input, so a character cut at its end was cut in the
    input (a scraper's byte limit), not by the sample.
    """
    trimmed = _without_cut_character(sample)
    text = trimmed.decode("utf-8", errors="surrogateescape")
    runs = _INVALID_RUN.findall(text)
    few = len(runs) <= max(MAX_BAD_SPOTS, len(sample) // BYTES_PER_BAD_SPOT) and all(
        len(run) <= MAX_BAD_RUN for run in runs
    )
    cut_end = whole and len(trimmed) < len(sample)
    return _Utf8Damage(len(_VALID_NON_ASCII.findall(text)), len(runs), few, cut_end)


def _damaged_utf8(data: bytes) -> Decoded:
    """UTF-8 with each run of invalid bytes replaced by U+FFFD, and how many were replaced."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.decode("utf-8", errors="surrogateescape").count("\ufffd")
    return Decoded(text, "utf-8", replaced)


def _without_cut_character(sample: bytes) -> bytes:
    """The sample without the first bytes of a multi-byte character cut off at its end."""
    for back in range(1, min(4, len(sample)) + 1):
        byte = sample[-back]
        if byte < 0x80:
            break
        if byte >= 0xC0:  # the lead byte of the last character
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return sample[:-back] if back < needed else sample
    return sample


def _legacy_candidates(sample: bytes, words_only: bool) -> list[tuple[int, int, str]]:
    """(implausibility, rank, encoding) of each code page that decodes the sample.

    With `words_only` (bytes that are UTF-8 but for a few bad spots), a code page counts
    only if it reads them as words of a language (`_reads_as_words`).
    """
    scored = []
    for rank, encoding in enumerate(LEGACY_ENCODINGS):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if words_only and not _reads_as_words(text):
            continue
        scored.append((_implausibility(text), rank, encoding))
    return scored


def _reads_as_words(text: str) -> bool:
    """Whether the non-ASCII letters of a code-page reading look like words of a language.

    Accented Latin letters mostly sit in words with plain ASCII letters ('café', 'Straße',
    not 'cafÃ') or
    are one-letter words (`_ONE_LETTER_WORD`: French 'à', Italian 'è'); letters of another
    script (Cyrillic, Arabic, Greek, Hebrew) are at least half of all the letters, as in text
    written in that script. A lone 'ÿ' or 'Ã', or 'яю' in English prose, are what a few
    invalid UTF-8 bytes look like in a code page.
    """
    letters = attached = latin = 0
    other: dict[str, int] = {}
    for word in _LETTERS.findall(text):
        letters += len(word)
        if word.isascii():
            continue
        in_word = any(ch < "\x80" for ch in word) or bool(_ONE_LETTER_WORD.fullmatch(word))
        for i, ch in enumerate(word):
            if ch < "\x80":
                continue
            script = _script(ch)
            if script == "LATIN":
                latin += 1
                # a capital after a small letter ('cafÃ'), or before one ('ÿHeadline'), is not
                # how words are spelled
                camel = (ch.isupper() and i > 0 and word[i - 1].islower()) or (
                    ch.islower() and word[i + 1 : i + 2].isupper()
                )
                attached += in_word and not camel
            else:
                other[script] = other.get(script, 0) + 1
    if latin and attached * 2 < latin:
        return False
    return all(count * 2 >= letters for count in other.values())


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name ('LATIN', 'ARABIC', 'CYRILLIC'...)."""
    return unicodedata.name(ch, "?").split(" ", 1)[0]


def _is_mark_of(mark: str, letter: str) -> bool:
    """A combining mark (Arabic harakat, Hebrew points) on a letter of its own script."""
    return unicodedata.category(mark) == "Mn" and _script(mark) == _script(letter)


def _implausibility(text: str) -> int:
    """How unlike real text a decoding is: one point per suspicious character or pair.

    Suspicious: two letters of different scripts side by side ('caf' + an Arabic letter), two
    accented Latin letters in a row ('ÇáæÒ' is Arabic read as Windows-1252), a symbol or mark
    inside a word ('Za¿ó³æ' is Polish read as Windows-1252), and C1 control characters.
    """
    points = 0
    before, previous = " ", " "
    for ch in text + " ":
        if "\x80" <= ch <= "\x9f":
            points += 3
        elif ch > "\x7f" and (ch in _RARE_SYMBOLS or unicodedata.category(ch) in _RARE_CATEGORIES):
            points += 1
        elif unicodedata.category(ch) == "Mn" and not _is_mark_of(ch, previous):
            points += 1  # a combining mark with no letter of its script to sit on
        if previous > "\x7f":
            if previous.isalpha() and before.isalpha():
                mixed = _script(before) != _script(previous)
                accents = before > "\x7f" and _script(previous) == "LATIN"
                points += mixed or accents
            elif (
                not previous.isalpha()
                and before.isalpha()
                and ch.isalpha()
                and previous not in _IN_WORD
                and not previous.isdecimal()
                and not _is_mark_of(previous, before)
            ):
                points += 1
        elif previous.isalpha() and before.isalpha() and _script(before) != "LATIN":
            points += 1  # an ASCII letter glued to a non-Latin one
        before, previous = previous, ch
    return points


def input_kind(path: str) -> str:
    """'jsonl', 'html' or 'text', from the file name."""
    name = path.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return "text"


def expand_paths(
    paths: list[str], skip: Path | None = None
) -> Iterator[tuple[str, Path | None, str | None]]:
    """(path, folder it was found in, why it cannot be read) for each input; '-' is standard
    input. A folder gives every entry under it but `skip`, an output folder (see
    `files_under`); a path that does not exist is given as it is, and fails when read."""
    for raw in paths:
        folder = Path(raw)
        if raw == "-" or not folder.is_dir():
            yield raw, None, None
            continue
        for child, problem in files_under(folder, skip):
            yield str(child), folder, problem


def files_under(folder: Path, skip: Path | None = None) -> Iterator[tuple[Path, str | None]]:
    """Every entry under `folder` that is not a folder, in sorted order, with why it cannot
    be read (None for a regular file, read by its suffix, anything else as text).

    Hidden files and folders (names starting with a dot) are left out, and so is `skip` (an
    output folder inside the input folder). A linked folder is read like any other, under its
    own name (as `cp -rL` copies it), even when its folder is read under another name too;
    a link back to a folder the walk is inside (a loop) is an entry that cannot be read, and
    so is a folder that cannot be listed (the rest of the walk goes on).
    """
    skipped = os.path.realpath(skip) if skip is not None else None

    def walk(directory: Path, above: frozenset[str]) -> Iterator[tuple[Path, str | None]]:
        above = above | {os.path.realpath(directory)}
        try:
            children = sorted(directory.iterdir())
        except OSError as exc:
            yield directory, f"a folder that cannot be read ({exc.strerror or exc})"
            return
        for child in children:
            real = os.path.realpath(child)
            if child.name.startswith(".") or real == skipped:
                continue
            if child.is_dir():
                if real in above:
                    yield child, "a link back to a folder above it (a loop)"
                else:
                    yield from walk(child, above)
            elif child.is_file():
                yield child, None
            elif child.is_symlink() and not child.exists():
                yield child, "a broken symbolic link"
            else:
                yield child, "not a regular file"

    yield from walk(folder, frozenset())


GZIP_MAGIC = b"\x1f\x8b"  # the first two bytes of gzip data

# What reading a file can raise: OS errors, and truncated or corrupt gzip data.
READ_ERRORS = (OSError, EOFError, zlib.error)


def file_error(exc: OSError) -> InputError:
    """The input error for a file that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return InputError("not_found", "no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError("not_a_file", "is a directory")
    return InputError("unreadable", exc.strerror or str(exc))


# A page's opening: an XML declaration and comments maybe, then the doctype or <html>.
_HTML_PAGE_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_PAGE_PART = re.compile(r"<(?:head|body|meta|title)[\s>/]", re.IGNORECASE)
_HTML_PAGE_SAMPLE = 4096  # characters read to tell an HTML page given as text


def opens_as_html_page(text: str) -> bool:
    """Whether a text is a whole HTML page: it opens on "<!DOCTYPE html>" or "<html", and a
    head, body, meta or title element follows (a page saved or piped as text; a story about
    markup may open on "<html> tags", but not on a page's markup)."""
    sample = text[:_HTML_PAGE_SAMPLE].lstrip("\ufeff")
    return _HTML_PAGE_START.match(sample) is not None and _HTML_PAGE_PART.search(sample) is not None


def record_field(data: bytes) -> str | None:
    """The text field ("text" or "html") when the first line of `data` is a JSON object with
    one: JSONL records, which a text file never starts with; else None."""
    first = data.lstrip(codecs.BOM_UTF8 + b" \t\r\n").split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return None
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    return next((f for f in ("text", "html") if isinstance(record.get(f), str)), None)


def read_bytes(path: str) -> bytes:
    """The bytes of a file ('-' reads standard input); .gz files are decompressed."""
    if path == "-":
        import sys

        return sys.stdin.buffer.read()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise file_error(exc) from None
    if path.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except READ_ERRORS as exc:
            raise InputError("bad_gzip", f"not a valid gzip file: {exc}") from None
    return data


def open_lines(path: str) -> IO[bytes]:
    """A binary line stream for a JSONL file; '-' is standard input. gzip data is read
    decompressed, whatever the name (`zcat` output piped in, a .gz file renamed), and plain
    UTF-16 or UTF-32 text with its BOM (PowerShell's `>` writes UTF-16) as UTF-8 lines."""
    if path.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    if not (isinstance(stream, io.BufferedReader) and stream.peek(2)[:2] == GZIP_MAGIC):
        return _utf8_lines(stream)  # the caller closes it
    if path == "-":
        return cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))
    stream.close()  # a GzipFile would leave the file it reads open
    return cast(IO[bytes], gzip.open(path, "rb"))


def _utf8_lines(stream: IO[bytes]) -> IO[bytes]:
    """`stream`, or its lines decoded and encoded again as UTF-8 when it starts with a UTF-16
    or UTF-32 BOM (the codec drops the BOM, and a broken code unit reads as U+FFFD; `tell`
    and `close` reach the stream itself)."""
    head = stream.peek(4)[:4] if isinstance(stream, io.BufferedReader) else b""
    for bom, encoding in _BOMS:
        if encoding != "utf-8-sig" and head.startswith(bom):
            return cast(IO[bytes], codecs.EncodedFile(stream, "utf-8", encoding, "replace"))
    return stream


@dataclass(frozen=True, slots=True)
class JsonRecord:
    """One JSONL line: the parsed object, or the reason it could not be parsed.

    `raw` is the line itself (without its line break) when it could not be parsed, so an
    error record can keep it: bytes that are not UTF-8 are written as \\xNN.
    """

    line_no: int
    record: dict[str, Any] | None
    error: str | None = None
    raw: str = ""


class _BadNumber(ValueError):
    """A JSON number cleaner cannot write back as the same JSON number."""


def _json_float(text: str) -> float | int:
    """A JSON number with a fraction or exponent; one too large for a float is an integer.

    1e400 read as a float is infinity, which JSON cannot hold (Python would write `Infinity`);
    as an integer it is the same number, written in full.
    """
    value = float(text)
    if math.isfinite(value):
        return value
    exact = decimal.Decimal(text)
    limit = sys.get_int_max_str_digits() or MAX_NUMBER_DIGITS
    if exact == exact.to_integral_value() and exact.adjusted() < min(limit, MAX_NUMBER_DIGITS):
        return int(exact)
    raise _BadNumber(f"number {_excerpt(text, 0)} is too large to keep")


def _json_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _BadNumber(f"integer of {len(text.lstrip('-'))} digits is too long to keep") from None


def _json_constant(name: str) -> Any:
    raise _BadNumber(f"{name} is not a JSON value")


# Stateless; one copy. Numbers come back as the same JSON numbers (`_json_float`), and the
# NaN and Infinity that Python's json reads but JSON does not have are errors.
_DECODER = json.JSONDecoder(
    parse_float=_json_float, parse_int=_json_int, parse_constant=_json_constant
)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _excerpt(text: str, at: int, width: int = EXCERPT_CHARS) -> str:
    """A short quoted piece of a line around position `at`, for a one-line message."""
    start = max(0, at - width // 2)
    piece = text[start : start + width]
    return ("..." if start else "") + repr(piece) + ("..." if start + width < len(text) else "")


def replace_lone_surrogates(text: str) -> str:
    """`text` with each unpaired UTF-16 surrogate (half an emoji) replaced by U+FFFD.

    A Python string can hold one (from a JSON escape such as '\\ud83d', or a str built from
    UTF-16 code units), but no UTF-8 output can, and the rule engine reads lines as UTF-8.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # a fifth of the time of searching for one (checked per document)
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def _without_lone_surrogates(value: Any) -> Any:
    """Strings with each unpaired UTF-16 surrogate (half an emoji) replaced by U+FFFD.

    JSON escapes can spell a lone surrogate ('\\ud83d'), which no UTF-8 output can hold;
    it is read as U+FFFD. Iterative, so any nesting that json accepted is walked.
    """
    if isinstance(value, str):
        return replace_lone_surrogates(value)
    stack: list[Any] = [value]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            for key in list(container):
                item = container.pop(key) if _LONE_SURROGATE.search(key) else container[key]
                container[replace_lone_surrogates(key)] = _scrubbed(item, stack)
        else:
            container[:] = [_scrubbed(item, stack) for item in container]
    return value


def _scrubbed(item: Any, stack: list[Any]) -> Any:
    if isinstance(item, str):
        return replace_lone_surrogates(item)
    if isinstance(item, dict | list):
        stack.append(item)
    return item


def parse_json_line(raw: bytes, line_no: int) -> JsonRecord:
    """One JSONL line as a record, or as the one-line reason it is not one (with the line)."""
    line = raw.rstrip(b"\r\n").removeprefix(codecs.BOM_UTF8)  # a Windows tool's mark
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return JsonRecord(
            line_no,
            None,
            f"line is not UTF-8: byte 0x{line[exc.start]:02x} at column {exc.start + 1}",
            line.decode("utf-8", errors="backslashreplace"),
        )
    try:
        record = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        near = _excerpt(text, exc.pos)
        problem = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
        message = f"invalid JSON: {problem} at column {exc.colno}, near {near}"
        return JsonRecord(line_no, None, message, text)
    except _BadNumber as exc:
        return JsonRecord(line_no, None, f"invalid JSON: {exc}", text)
    except RecursionError:
        return JsonRecord(line_no, None, "record is nested too deeply to read", text)
    if not isinstance(record, dict):
        kind = "null" if record is None else type(record).__name__
        return JsonRecord(line_no, None, f"record is a JSON {kind}, not an object", text)
    if _SURROGATE_ESCAPE.search(line):
        record = _without_lone_surrogates(record)
    return JsonRecord(line_no, record)


def iter_jsonl(stream: Iterable[bytes]) -> Iterator[JsonRecord]:
    """Parse JSONL one line at a time (constant memory); bad lines come out as errors."""
    for line_no, raw in enumerate(stream, start=1):
        if raw.strip():
            yield parse_json_line(raw, line_no)
