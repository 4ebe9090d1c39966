"""The progress bar of `cleaner clean` on standard error (tqdm).

It counts the documents cleaned. When every input is a file, it also shows how much of their
bytes has been read, with the time left: a run over one big JSONL file gets an estimate, not
just a count. A gzip file is measured by its compressed bytes, as they are what is on disk.
"""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

REDRAW_SECONDS = 0.5  # between two redraws of the bar


def file_size(path: str) -> int | None:
    """Size of an input file in bytes; None for standard input or what cannot be read."""
    if path == "-":
        return None
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def read_position(stream: IO[bytes]) -> int:
    """How many bytes of its file a stream has read (of the compressed file, for gzip)."""
    raw: Any = stream.fileobj if isinstance(stream, gzip.GzipFile) else stream
    try:
        return int(raw.tell())
    except (OSError, ValueError, AttributeError):  # a pipe, or a file closed on error
        return 0


class Progress:
    """Documents cleaned and, when the inputs' sizes are known, bytes read and time left."""

    def __init__(self, paths: Sequence[str]) -> None:
        from tqdm import tqdm

        # No monitor thread: workers are forked only from a single-threaded process (batch.py).
        tqdm.monitor_interval = 0
        self._sizes = [file_size(path) for path in paths]
        total = None if None in self._sizes else sum(s or 0 for s in self._sizes)
        self._by_bytes = bool(total)
        self._bar: Any = tqdm(
            total=total if self._by_bytes else None,
            unit="B" if self._by_bytes else " docs",
            unit_scale=self._by_bytes,
            unit_divisor=1024,
            file=sys.stderr,
            mininterval=REDRAW_SECONDS,
            leave=False,
        )
        self._index = -1  # the input being read
        self._done = 0  # bytes of the inputs before it
        self._stream: IO[bytes] | None = None
        self._documents = 0

    def begin(self) -> None:
        """The next input starts (every input of the run, in order, skipped ones included)."""
        if self._index >= 0:
            self._done += self._sizes[self._index] or 0
        self._index += 1
        self._stream = None

    def reading(self, stream: IO[bytes]) -> None:
        """The current input is read from `stream` as its records are cleaned (JSONL)."""
        self._stream = stream

    def cleaned(self, documents: int) -> None:
        """`documents` more were cleaned (or failed) from the current input."""
        self._documents += documents
        if not self._by_bytes:
            self._bar.update(documents)
            return
        size = self._sizes[self._index] or 0
        read = size if self._stream is None else min(read_position(self._stream), size)
        self._bar.set_postfix_str(f"{self._documents:,} docs", refresh=False)
        self._bar.update(self._done + read - self._bar.n)

    def clear(self) -> None:
        """Take the bar off the terminal, so that a message can be printed."""
        self._bar.clear()

    def close(self) -> None:
        self._bar.close()
