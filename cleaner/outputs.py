"""Writing outputs: streamed to a temporary file and renamed into place, gzip-aware."""

from __future__ import annotations

import codecs
import gzip
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

GZIP_SUFFIX = ".gz"
GZIP_LEVEL = 6  # gzip's default trade-off; level 9 costs ~2x the time for ~2% smaller files


def encode_like(text: str, original: bytes, encoding: str) -> tuple[bytes, str | None]:
    """`text` encoded as the `original` bytes were (in `encoding`, the one they were decoded
    with, with their byte order mark and CRLF line ends), for `--in-place`; and a note when
    that encoding cannot hold the text (then UTF-8). Standard output and output files are
    always UTF-8 with LF line ends."""
    if original.count(b"\r\n") and original.count(b"\r\n") == original.count(b"\n"):
        text = text.replace("\n", "\r\n")
    if original.startswith(codecs.BOM_UTF8):
        return codecs.BOM_UTF8 + text.encode("utf-8"), None
    try:
        return text.encode(encoding), None  # "utf-16"/"utf-32" write their byte order mark
    except UnicodeEncodeError:
        return text.encode("utf-8"), f"written as UTF-8: {encoding} cannot hold its text"


def gzip_member(data: bytes) -> bytes:
    """`data` as one reproducible gzip member (no timestamp or name in its header).

    Members written one after the other make a valid gzip file (RFC 1952, section 2.2).
    """
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


@contextmanager
def atomic_writer(path: Path, compress: bool = True) -> Iterator[IO[bytes]]:
    """A binary stream whose file appears whole at `path` on success, and not at all on error.

    Writes go to a temporary file beside `path` that is renamed over it at the end, so memory
    stays flat however large the output is, and a crash or Ctrl-C never leaves half a file.
    A symbolic link is written through: its file gets the output and the link stays. A path
    that is not a regular file (a named pipe, /dev/null) is written to directly, as it is.
    A name ending in .gz is gzip-compressed, reproducibly (no timestamp or name in the
    header), unless `compress` is false: the caller then writes gzip members itself.
    """
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        with path.open("wb") as raw, _packed(raw, path, compress) as handle:
            yield handle
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    # mkstemp makes the file private (0600); give it the mode a plain open() would have,
    # or keep the mode of the file it replaces (--in-place).
    os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else _NEW_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as raw, _packed(raw, path, compress) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _packed(raw: IO[bytes], path: Path, compress: bool) -> Iterator[IO[bytes]]:
    """`raw`, gzip-compressed when `path` ends in .gz and `compress` is true."""
    if compress and path.name.endswith(GZIP_SUFFIX):
        with gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL
        ) as packed:
            yield cast(IO[bytes], packed)
    else:
        yield raw


def write_atomic(path: Path, data: bytes) -> None:
    """Write a whole file at once so that it is either complete or absent (see atomic_writer)."""
    with atomic_writer(path) as handle:
        handle.write(data)


def silence_stdout() -> None:
    """Point standard output at /dev/null after a write to it failed (a closed pipe, a full
    disk), so that the interpreter's last flush at exit does not fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _new_file_mode() -> int:
    """0666 less the process umask: what open() gives a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_NEW_FILE_MODE = _new_file_mode()  # read once at import: os.umask can only be read by setting it
