"""Reading inputs: files, folders, standard input, gzip, and bytes decoded with detection."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import charset_normalizer

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
BINARY_MAGIC = (b"\x89PNG", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04")
MAX_NUL_SHARE = 0.01  # more NUL bytes than this (outside UTF-16) means binary data
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
    """Text decoded from bytes, with the encoding that was used."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode text bytes: BOM first, then strict UTF-8, then charset detection.

    Binary data (images, archives, NUL-heavy bytes) is an InputError, never garbage text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise InputError(
                    "undecodable", f"bad {encoding} after its byte order mark: {exc}"
                ) from None
    if data.startswith(BINARY_MAGIC):
        raise InputError("binary", "binary data (an image or archive), not text")
    if data.count(b"\x00") > MAX_NUL_SHARE * len(data):
        raise InputError("binary", "binary data (NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError("undecodable", "cannot detect the text encoding")
    return Decoded(str(best), best.encoding)


def input_kind(path: str) -> str:
    """'jsonl', 'html' or 'text', from the file name."""
    name = path.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return "text"


def expand_paths(paths: list[str]) -> Iterator[tuple[str, Path | None]]:
    """Each input file as (path, folder it was found under, or None). '-' is standard input."""
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield str(child), path
        else:
            yield raw, None


def read_bytes(path: str) -> bytes:
    """The bytes of a file ('-' reads standard input); .gz files are decompressed."""
    if path == "-":
        import sys

        return sys.stdin.buffer.read()
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("not_found", "no such file") from None
    except IsADirectoryError:
        raise InputError("not_a_file", "is a directory") from None
    except OSError as exc:
        raise InputError("unreadable", exc.strerror or str(exc)) from None
    if path.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError("bad_gzip", f"not a valid gzip file: {exc}") from None
    return data


def open_lines(path: str) -> IO[bytes]:
    """A binary line stream for a JSONL file (gzip-aware); '-' is standard input."""
    if path == "-":
        import sys

        return sys.stdin.buffer
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


@dataclass(frozen=True, slots=True)
class JsonRecord:
    """One JSONL line: the parsed object, or the reason it could not be parsed."""

    line_no: int
    record: dict[str, Any] | None
    error: str | None = None
    raw: str = ""


def iter_jsonl(stream: IO[bytes]) -> Iterator[JsonRecord]:
    """Parse JSONL one line at a time (constant memory); bad lines come out as errors."""
    for line_no, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield JsonRecord(line_no, None, f"line is not UTF-8: {exc}")
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield JsonRecord(
                line_no, None, f"invalid JSON: {exc.msg} at column {exc.colno}", text[:200]
            )
            continue
        if not isinstance(record, dict):
            yield JsonRecord(
                line_no, None, f"record is a JSON {type(record).__name__}, not an object"
            )
            continue
        yield JsonRecord(line_no, record)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that it is either whole or absent: temporary file, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
