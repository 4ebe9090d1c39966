"""atheris fuzz harness for the cleaner (not collected by pytest: run it by hand).

    pip install atheris
    python tests/fuzz/fuzz_clean.py -max_total_time=300 -max_len=4096

Feeds arbitrary bytes to every entry point: text (as bytes and as decoded text), HTML, and
one JSONL record. Anything but a result or a CleanError is a crash that atheris reports with
the input that caused it.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from cleaner import Cleaner, CleanError
    from cleaner.inputs import iter_jsonl
    from cleaner.records import clean_record

CLEANER = Cleaner(detect_language=False)


def one_input(data: bytes) -> None:
    """Clean `data` as bytes, text, HTML and a JSONL line; only CleanError may escape."""
    for call in (
        lambda: CLEANER.clean(data),
        lambda: CLEANER.clean(data.decode("utf-8", "replace")),
        lambda: CLEANER.clean_html(data),
    ):
        with contextlib.suppress(CleanError):
            call()
    for item in iter_jsonl(iter([data])):
        if item.record is not None:
            out = clean_record(CLEANER, item.record, line=item.line_no)
            assert out.get("error", {}).get("code") != "internal", out


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
