"""Cleaning pipeline records: dict in, dict out, unknown fields passed through.

Shared by the JSONL mode of the CLI and the Scrapy and Dask integrations, so every pipeline
gets the same output fields and the same per-record errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .core import Cleaner, CleanError
from .inputs import InputError, decode_bytes, decode_html_bytes
from .model import CleanResult, CleanWarning
from .normalize import split_lines, word_count
from .text import HEADLINE_MAX_WORDS

ORIGINAL_FIELD = "original_text"
ERROR_FIELD = "error"
RAW_LINE_FIELD = "raw_line"  # an unreadable JSONL line, as it was
# Input fields whose names the output uses for something else, with their input values.
REPLACED_FIELD = "original_fields"


@dataclass(frozen=True, slots=True)
class RecordFields:
    """Which record fields hold the input. The cleaned text replaces `text`."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    site: str = "site"


DEFAULT_FIELDS = RecordFields()


def error_record(
    record: dict[str, Any],
    code: str,
    message: str,
    line: int | None = None,
    raw: str | None = None,
) -> dict[str, Any]:
    """The record passed through with an `error` field saying what went wrong.

    `raw` is the line of a JSONL input that could not be read as a record, kept whole in
    `raw_line` so nothing of the input is lost.
    """
    error: dict[str, Any] = {"code": code, "message": message}
    if line is not None:
        error["line"] = line
    written: dict[str, Any] = {ERROR_FIELD: error}
    if raw is not None:
        written[RAW_LINE_FIELD] = raw
    return _merged(record, written)


def _merged(
    record: dict[str, Any],
    written: dict[str, Any],
    dropped: tuple[str, ...] = (),
    kept: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The record with the `written` fields set and the `dropped` ones taken out.

    The output's fields keep their documented meaning, so they win a clash with an input
    field of the same name; an input value they replace or drop (unless null, equal, or a
    `kept` field, whose value is written elsewhere or as text) is kept in `original_fields`,
    under its name. Field order: the record's, then new fields.
    """
    out = dict(record)
    replaced = {
        key: record[key]
        for key in (*written, *dropped)
        if key not in kept
        and record.get(key) is not None
        and (key in dropped or record[key] != written[key])
    }
    for key in dropped:
        out.pop(key, None)
    out.update(written)
    if replaced:
        if REPLACED_FIELD in record:  # a record that was already cleaned: keep its own too
            replaced[REPLACED_FIELD] = record[REPLACED_FIELD]
        out[REPLACED_FIELD] = replaced
    return out


def _hint(record: dict[str, Any], field: str, code: str) -> tuple[str | None, list[CleanWarning]]:
    """A record's `url` or `site`: a hint, so one of another type is a warning (`code`), as
    a malformed URL is, and the site is found as if none were given."""
    value = record.get(field)
    if value is None or value == "" or isinstance(value, str):
        return value or None, []
    message = f"field {field!r} must be a string, got {type(value).__name__}; not used"
    return None, [CleanWarning(code, message)]


def clean_record(
    cleaner: Cleaner,
    record: dict[str, Any],
    fields: RecordFields = DEFAULT_FIELDS,
    line: int | None = None,
    text_field_option: str = "--text-field {}",
    url: str | None = None,
    site: str | None = None,
) -> dict[str, Any]:
    """Clean one record. Never raises: a bad record comes back with an `error` field.

    `text_field_option` is how the caller's user names the text field, for the hint of a
    record without one (the CLI's option; a Scrapy setting). `url` and `site`, when given
    (the CLI's --url and --site), are used in place of the record's own."""
    try:
        hints: list[CleanWarning] = []
        if not url:
            url, hints = _hint(record, fields.url, "bad_url")
        if not site:
            site, more = _hint(record, fields.site, "unknown_site")
            hints += more
        text = record.get(fields.text)
        html = record.get(fields.html)
        if text is None and html is None:
            for name in (fields.text, fields.html):
                if name in record:
                    raise CleanError("bad_type", f"field {name!r} is null, not a string")
            # The longest string field is where the article most likely is, if it is longer
            # than a headline (a record of a url and a title has no article to point to).
            strings = [
                (len(value), key)
                for key, value in record.items()
                if isinstance(value, str)
                and word_count(value) > HEADLINE_MAX_WORDS
                and key not in (fields.url, fields.site)
            ]
            likely = max(strings)[1] if strings else None
            option = text_field_option.format(likely)
            hint = f"; its longest string is {likely!r} ({option})" if likely else ""
            raise CleanError(
                "missing_text", f"record has neither {fields.text!r} nor {fields.html!r}{hint}"
            )
        if html is not None and _blank(text):  # a scraper's failed extraction beside the page
            if not isinstance(html, str | bytes):  # bytes are decoded by clean_html
                raise CleanError(
                    "bad_type", f"field {fields.html!r} must be a string, got {type(html).__name__}"
                )
            result = cleaner.clean_html(html, url=url, site=site)
            original = None
        else:
            encoding = None
            if isinstance(text, bytes):
                decoded = decode_bytes(text)
                text, encoding = decoded.text, decoded.encoding
            if not isinstance(text, str):
                raise CleanError(
                    "bad_type", f"field {fields.text!r} must be a string, got {type(text).__name__}"
                )
            result = cleaner.clean(text, url=url, site=site)
            result.encoding = encoding
            original = text
    except (CleanError, InputError) as exc:
        return error_record(_readable(record, fields), exc.code, str(exc), line)
    except RecursionError:
        message = "input is nested too deeply to process"
        return error_record(_readable(record, fields), "too_deep", message, line)
    except Exception as exc:  # a bug must not lose the rest of the batch
        message = f"{type(exc).__name__}: {exc}"
        return error_record(_readable(record, fields), "internal", message, line)
    result.warnings[:0] = hints
    written = result_fields(result)
    if fields.text not in written:  # e.g. --text-field content: the cleaned text replaces it
        written[fields.text] = result.text
    kept: tuple[str, ...] = ()
    if original is not None:
        written[ORIGINAL_FIELD] = original
        kept = (fields.text,)  # the input text is `original_text` already
    elif isinstance(html, bytes):  # cleaned from the page's bytes
        # A Scrapy response's body, passed on as text: the same page, so no original field
        # keeps its bytes (a feed exporter cannot write them).
        written[fields.html] = decode_html_bytes(html).text
        kept = (fields.html,)
    # A successful record carries no `error`.
    return _merged(record, written, dropped=(ERROR_FIELD,), kept=kept)


def _blank(text: object) -> bool:
    """A text field that holds no text: missing, null, or no line once whitespace and
    invisible characters (zero-width spaces, a BOM) are dropped, as cleaning reads it."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return text is None or (isinstance(text, str) and not split_lines(text))


def _readable(record: dict[str, Any], fields: RecordFields) -> dict[str, Any]:
    """The record with its text or HTML given as bytes decoded: a flagged Scrapy item still
    goes to a feed exporter, which cannot write bytes. Bytes that are no text (an image served
    as a page) are written with `\\xNN` escapes, as an unreadable JSONL line's `raw_line` is."""
    out = record
    for name, decode in ((fields.text, decode_bytes), (fields.html, decode_html_bytes)):
        value = record.get(name)
        if isinstance(value, bytes):
            try:
                readable = decode(value).text
            except InputError:
                readable = value.decode("utf-8", errors="backslashreplace")
            out = {**out, name: readable}
    return out


def result_fields(result: CleanResult) -> dict[str, Any]:
    """The JSON fields of a result (`text`, `title`, `paragraphs`, `metadata`, `removed`, ...)."""
    return result.to_dict()
