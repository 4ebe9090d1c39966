"""Cleaning pipeline records: dict in, dict out, unknown fields passed through.

Shared by the JSONL mode of the CLI and the Scrapy and Dask integrations, so every pipeline
gets the same output fields and the same per-record errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .core import Cleaner, CleanError
from .inputs import InputError, decode_bytes
from .model import CleanResult

ORIGINAL_FIELD = "original_text"
ERROR_FIELD = "error"


@dataclass(frozen=True, slots=True)
class RecordFields:
    """Which record fields hold the input. The cleaned text replaces `text`."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    site: str = "site"


DEFAULT_FIELDS = RecordFields()


def error_record(
    record: dict[str, Any], code: str, message: str, line: int | None = None
) -> dict[str, Any]:
    """The record passed through with an `error` field saying what went wrong."""
    out = dict(record)
    out[ERROR_FIELD] = {"code": code, "message": message}
    if line is not None:
        out[ERROR_FIELD]["line"] = line
    return out


def _optional_str(record: dict[str, Any], field: str) -> str | None:
    value = record.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CleanError(
            "bad_type", f"field {field!r} must be a string, got {type(value).__name__}"
        )
    return value


def clean_record(
    cleaner: Cleaner,
    record: dict[str, Any],
    fields: RecordFields = DEFAULT_FIELDS,
    line: int | None = None,
) -> dict[str, Any]:
    """Clean one record. Never raises: a bad record comes back with an `error` field."""
    try:
        url = _optional_str(record, fields.url)
        site = _optional_str(record, fields.site)
        text = record.get(fields.text)
        html = record.get(fields.html)
        if text is None and html is None:
            raise CleanError(
                "missing_text", f"record has neither {fields.text!r} nor {fields.html!r}"
            )
        if html is not None and text is None:
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
        return error_record(record, exc.code, str(exc), line)
    except RecursionError:
        return error_record(record, "too_deep", "input is nested too deeply to process", line)
    except Exception as exc:  # a bug must not lose the rest of the batch
        return error_record(record, "internal", f"{type(exc).__name__}: {exc}", line)
    out = dict(record)
    if original is not None:
        out[ORIGINAL_FIELD] = original
    out.update(result_fields(result))
    out[fields.text] = result.text
    return out


def result_fields(result: CleanResult) -> dict[str, Any]:
    """The JSON fields of a result (`text`, `title`, `paragraphs`, `metadata`, `removed`, ...)."""
    return result.to_dict()
