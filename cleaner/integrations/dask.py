"""Dask: clean a `dask.bag` of records on many cores or many machines.

Each worker process builds one `Cleaner` per configuration (`cleaner.batch.cleaner_for`), on
its first partition, and reuses it for every later one. The output of a record is exactly
what `cleaner clean --format jsonl` writes for it.

    from dask.distributed import Client
    from cleaner.integrations.dask import clean_jsonl

    client = Client("tcp://scheduler:8786")        # or LocalCluster() on one machine
    clean_jsonl(["s3://bucket/raw/*.jsonl.gz"], "s3://bucket/clean/")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import dask.bag as db

from ..batch import CleanerConfig, clean_line, cleaner_for
from ..records import clean_record

DEFAULT_CONFIG = CleanerConfig()
PART_NAME = "part-{:05d}"  # output partitions: part-00000.jsonl, part-00001.jsonl, ...


def _clean_lines(lines: Iterable[str], config: CleanerConfig, numbered: bool) -> list[str]:
    """One partition of raw JSONL lines to cleaned JSONL lines (no trailing newline)."""
    out = []
    for line_no, line in enumerate(lines, start=1):
        if line.strip():
            result = clean_line(config, line_no if numbered else None, line)
            out.append(result.output.rstrip("\n"))
    return out


def _clean_records(records: Iterable[dict[str, Any]], config: CleanerConfig) -> list[dict]:
    cleaner = cleaner_for(config)
    return [clean_record(cleaner, record, config.fields) for record in records]


def clean_bag(bag: db.Bag, config: CleanerConfig = DEFAULT_CONFIG) -> db.Bag:
    """A bag of record dicts to a bag of cleaned record dicts (errors as `error` fields)."""
    return bag.map_partitions(_clean_records, config)


def clean_text_bag(
    lines: db.Bag, config: CleanerConfig = DEFAULT_CONFIG, *, numbered: bool = True
) -> db.Bag:
    """A bag of JSONL lines (as `db.read_text` gives) to a bag of cleaned JSONL lines.

    With `numbered`, an error record names its line number within its partition, which is its
    line number in the file when each file is one partition (`blocksize=None`).
    """
    return lines.map_partitions(_clean_lines, config, numbered)


def clean_jsonl(
    inputs: str | Sequence[str],
    output: str,
    config: CleanerConfig = DEFAULT_CONFIG,
    *,
    blocksize: int | str | None = None,
    compression: str | None = None,
    storage_options: dict[str, Any] | None = None,
) -> list[str]:
    """Clean JSONL files (paths or globs, local or any fsspec URL) into JSONL partitions.

    One partition per input file by default (`blocksize=None`), so outputs pair with inputs
    and error records carry the input line; a `blocksize` such as "64MiB" splits big plain
    files across workers instead (gzip files cannot be split). `compression="gzip"` writes
    `part-NNNNN.jsonl.gz`. Runs on the current Dask scheduler (a `Client` if one is open) and
    returns the paths written.
    """
    lines = db.read_text(
        inputs, blocksize=blocksize, compression="infer", storage_options=storage_options
    )
    cleaned = clean_text_bag(lines, config, numbered=blocksize is None)
    suffix = ".jsonl.gz" if compression == "gzip" else ".jsonl"
    target = output.rstrip("/") + "/*" + suffix
    return db.to_textfiles(
        cleaned,
        target,
        name_function=PART_NAME.format,
        compression=compression,
        encoding="utf-8",
        last_endline=True,
        storage_options=storage_options,
    )
