"""Dask: clean a `dask.bag` of records on many cores or many machines.

Each worker process builds one `Cleaner` per configuration (`cleaner.batch.cleaner_for`), on
its first partition, and reuses it for every later one. The output of a record is exactly
what `cleaner clean --format jsonl` writes for it, but that an error record's `path` names
the file as fsspec does (its full path or URL).

    from dask.distributed import Client
    from cleaner.integrations.dask import clean_jsonl

    client = Client("tcp://scheduler:8786")        # or LocalCluster() on one machine
    clean_jsonl(["s3://bucket/raw/*.jsonl.gz"], "s3://bucket/clean/")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any

import dask.bag as db
import fsspec

from ..batch import CleanerConfig, clean_line, cleaner_for, dump_record, with_path
from ..inputs import READ_ERRORS
from ..records import clean_record, error_record

DEFAULT_CONFIG = CleanerConfig()
PART_NAME = "part-{:05d}"  # output partitions: part-00000.jsonl, part-00001.jsonl, ...


def _clean_lines(lines: Iterable[str], config: CleanerConfig, numbered: bool) -> list[str]:
    """One partition of raw JSONL lines to cleaned JSONL lines (no trailing newline). Lines
    read with errors="surrogateescape" get their bytes back, so a line that is not UTF-8 is
    an error record, as `cleaner clean` makes it."""
    return _clean_lines_of(((line, None) for line in lines), config, numbered)


def _clean_lines_of(
    lines: Iterable[tuple[str, str | None]], config: CleanerConfig, numbered: bool = False
) -> list[str]:
    """As `_clean_lines`, for (line, path) pairs (`db.read_text(include_path=True)`): an
    error record names its file."""
    out = []
    for line_no, (line, path) in enumerate(lines, start=1):
        if line.strip():
            raw = line.encode("utf-8", "surrogateescape")
            result = clean_line(config, line_no if numbered else None, raw, path)
            out.append(result.output.rstrip("\n"))
    return out


def _clean_files(files: Iterable[Any], config: CleanerConfig) -> list[str]:
    """Whole JSONL files (fsspec OpenFiles) to cleaned JSONL lines, numbered in their file.

    A file that cannot be read to its end (a truncated gzip, a lost connection) keeps the
    records read before the damage and ends with an error record naming the file and line.
    """
    return [line for file in files for line in _clean_file(file, config)]


def _clean_file(file: Any, config: CleanerConfig) -> Iterator[str]:
    """A file's cleaned lines; its error records name the file (`path`), as the CLI's do."""
    line_no = 0
    try:
        with file as handle:
            for line_no, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield clean_line(config, line_no, raw, file.path).output.rstrip("\n")
    except FileNotFoundError:
        record = error_record({}, "not_found", f"{file.path}: no such file")
        yield dump_record(with_path(record, file.path)).rstrip("\n")
    except READ_ERRORS as exc:
        code = "unreadable" if isinstance(exc, OSError) else "bad_gzip"
        message = f"{file.path}: cannot read past line {line_no}: {exc}"
        record = error_record({}, code, message, line_no + 1)
        yield dump_record(with_path(record, file.path)).rstrip("\n")


def _clean_records(records: Iterable[Any], config: CleanerConfig) -> list[dict]:
    cleaner = cleaner_for(config)
    return [
        clean_record(cleaner, record, config.fields)
        if isinstance(record, dict)
        else error_record({}, "bad_record", f"a record must be a dict, not {type(record).__name__}")
        for record in records
    ]


def clean_bag(bag: db.Bag, config: CleanerConfig = DEFAULT_CONFIG) -> db.Bag:
    """A bag of record dicts to a bag of cleaned record dicts (errors as `error` fields; an
    element that is not a dict is an error record too)."""
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
    """Clean JSONL files (paths, folders or globs, local or any fsspec URL) into JSONL
    partitions.

    One partition per input file by default (`blocksize=None`), so outputs pair with inputs,
    error records carry the input line, and a file that breaks off (a truncated gzip) keeps
    what was read before the damage, then an error record; a `blocksize` such as "64MiB"
    splits big plain files across workers instead (a compressed file, which cannot be
    split, stays one partition).
    `compression="gzip"` writes `part-NNNNN.jsonl.gz`. Runs on the current Dask scheduler
    (a `Client` if one is open) and returns the paths written.
    """
    options = storage_options or {}
    opened = fsspec.open_files(inputs, mode="rb", compression="infer", **options)
    files = _in_folders(opened, options)
    if not files:  # a glob that matches nothing: no output that looks like success
        raise FileNotFoundError(f"cleaner: no input file matches {inputs!r}")
    # Files in input order; with a `blocksize`, each run of plain files is split into blocks
    # and a compressed file stays one partition (it can only be read from its start), as
    # does an empty file (Dask finds no blocks in a run of empty files, and fails).
    bags = []
    for split, run in groupby(files, key=lambda file: _splittable(file, blocksize)):
        if not split:
            bags.append(
                db.from_sequence(list(run), partition_size=1).map_partitions(_clean_files, config)
            )
        else:
            lines = db.read_text(
                [file.full_name for file in run],
                blocksize=blocksize,
                errors="surrogateescape",
                storage_options=storage_options,
                include_path=True,  # error records name their file, if not their line
            )
            bags.append(lines.map_partitions(_clean_lines_of, config))
    cleaned = bags[0] if len(bags) == 1 else db.concat(bags)
    suffix = ".jsonl.gz" if compression == "gzip" else ".jsonl"
    target = output.rstrip("/") + "/*" + suffix
    return db.to_textfiles(
        cleaned.map_partitions(_as_block),
        target,
        name_function=PART_NAME.format,
        compression=compression,
        encoding="utf-8",
        last_endline=False,
        storage_options=storage_options,
    )


def _in_folders(files: list[Any], options: dict[str, Any]) -> list[Any]:
    """The files, each folder among them replaced by the files under it, in sorted order and
    without hidden ones (names starting with a dot), as the command line reads a folder."""
    out = []
    for file in files:
        if not file.fs.isdir(file.path):
            out.append(file)
            continue
        under = sorted(
            path
            for path in file.fs.find(file.path)
            if not any(part.startswith(".") for part in path[len(file.path) :].split("/"))
        )
        out += fsspec.open_files(
            [file.fs.unstrip_protocol(path) for path in under],
            mode="rb",
            compression="infer",
            **options,
        )
    return out


def _splittable(file: Any, blocksize: int | str | None) -> bool:
    """Whether a `blocksize` splits this input file into blocks: a plain file with data."""
    return blocksize is not None and not file.compression and bool(file.fs.size(file.path))


def _as_block(lines: list[str]) -> list[str]:
    """A partition's lines as one block, each line ended: an empty input gives an empty part
    (written line by line, it held a lone line break)."""
    return ["".join(line + "\n" for line in lines)] if lines else []
