"""Cleaning batches of JSONL records in worker processes: input order kept, memory flat.

`OrderedPool.map` sends chunks of records to worker processes and yields their results in
input order, with a bounded number of chunks in flight, so a 1 GB input needs no more memory
than a 1 MB one. Each worker builds its `Cleaner` once (`cleaner_for`), or inherits the main
process's when it is forked. A worker that dies (a segfault, the OOM killer) costs one record,
not the batch: the chunks it held are re-run one record at a time in a fresh pool, and the
record that kills a worker again comes out as an error record.

A chunk of JSONL lines comes back as one `ChunkResult`: its output lines as one UTF-8 block
(or one gzip member for a .jsonl.gz output) and its statistics already added up, so the main
process only writes and merges.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import gzip
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO, Any, Generic, TypeVar

from .core import TIME_BUDGET_SECONDS, Cleaner, RuleFolders, rule_folders
from .inputs import iter_jsonl
from .outputs import gzip_member
from .records import DEFAULT_FIELDS, ERROR_FIELD, RecordFields, clean_record, error_record
from .repeats import strip_record
from .stats import BatchStats, RecordSummary, summarize

# Records per task: amortizes the inter-process cost (the main process spent 0.74 s of CPU
# per 20k records with 16, 0.67 s with 64). With the compiled workers that cost weighs more:
# 128 records made `--jobs 2` 2-5% faster than 64 on 20,000 records; 256 no faster again.
CHUNK_SIZE = 128
IN_FLIGHT_PER_JOB = 4  # chunks queued per worker: keeps workers busy, bounds memory
TRIM_EVERY = 16  # chunks sent between two returns of freed memory to the system (see map)
CRASH_CODE = "worker_crashed"
# What a fork server imports once before it forks workers (see start_method).
PRELOAD = ["cleaner.batch"]
_M_ARENA_MAX = -8  # glibc's mallopt() parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 << 10  # blocks this large are mapped apart, and unmapped when freed
_ENCODER = json.JSONEncoder(ensure_ascii=False)  # stateless; one copy

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Everything a worker needs to build the same `Cleaner` as the main process (picklable)."""

    rules_dirs: RuleFolders = ()  # a tuple of folder names once made (see __post_init__)
    detect_language: bool = True
    fields: RecordFields = DEFAULT_FIELDS
    time_budget: float = TIME_BUDGET_SECONDS
    # --learn-repeats: per site key, the lines found in many of its documents (see repeats.py)
    repeated: tuple[tuple[str, frozenset[str]], ...] = ()
    # --url and --site: every record is cleaned with them, in place of its own url and site
    url: str | None = None
    site: str | None = None

    def __post_init__(self) -> None:
        # A config is a cache key (`cleaner_for`): rule folders given as a list, or as one
        # folder, become a tuple of folder names, as `Cleaner` reads them.
        object.__setattr__(self, "rules_dirs", rule_folders(self.rules_dirs))

    def build(self) -> Cleaner:
        return Cleaner(
            self.rules_dirs, detect_language=self.detect_language, time_budget=self.time_budget
        )


@functools.cache
def cleaner_for(config: CleanerConfig) -> Cleaner:
    """The process's `Cleaner` for this config: rules are loaded once per worker process."""
    return config.build()


@dataclass(frozen=True, slots=True)
class LineResult:
    """One cleaned JSONL line: the output line (newline included) and its statistics."""

    line_no: int | None
    output: str
    summary: RecordSummary
    message: str | None = None  # the one-line error for standard error, when it failed


def dump_record(record: dict[str, Any]) -> str:
    """One JSONL output line (with its line break), as every output of cleaner writes it."""
    return _ENCODER.encode(record) + "\n"


def clean_line(
    config: CleanerConfig, line_no: int | None, raw: bytes | str, path: str | None = None
) -> LineResult:
    """Parse and clean one JSONL line. Never raises: a bad line becomes an error record, whose
    `error` names the input file `path` as well as the line (a batch of several files)."""
    parsed = next(iter_jsonl((raw.encode("utf-8") if isinstance(raw, str) else raw,)), None)
    if parsed is None:  # a blank line (callers skip them; kept total for safety)
        record = with_path(error_record({}, "bad_record", "blank line", line_no), path)
        return LineResult(line_no, dump_record(record), summarize(record), "blank line")
    if parsed.record is None:
        message = parsed.error or "bad record"
        record = with_path(error_record({}, "bad_record", message, line_no, raw=parsed.raw), path)
        return LineResult(line_no, dump_record(record), summarize(record), message)
    out = clean_record(
        cleaner_for(config), parsed.record, config.fields, line_no, url=config.url, site=config.site
    )
    if config.repeated:
        out = strip_record(out, parsed.record, dict(config.repeated))
    failed = ERROR_FIELD in out  # a cleaned record never keeps an input's own `error` field
    if failed:
        out = with_path(out, path)
    failure: str | None = out[ERROR_FIELD]["message"] if failed else None
    return LineResult(line_no, dump_record(out), summarize(out, config.fields.text), failure)


def with_path(record: dict[str, Any], path: str | None) -> dict[str, Any]:
    """An error record whose `error` also names the input file it came from (when a file)."""
    if path is None:
        return record
    return {**record, ERROR_FIELD: {**record[ERROR_FIELD], "path": path}}


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The cleaned lines of one chunk: output block, statistics and the errors to report."""

    output: bytes  # the output lines, in input order, UTF-8 (one gzip member if compressed)
    records: int
    stats: BatchStats
    failures: tuple[tuple[int | None, str], ...] = ()  # (line number, one-line message)
    compressed: bool = False
    lines: tuple[int | None, ...] = ()  # the input line number of each record, in order

    @classmethod
    def of(cls, results: list[LineResult], compress: bool = False) -> ChunkResult:
        stats = BatchStats()
        for result in results:
            stats.add(result.summary)
        output = "".join(r.output for r in results).encode("utf-8")
        return cls(
            gzip_member(output) if compress else output,
            len(results),
            stats,
            tuple((r.line_no, r.message) for r in results if r.message is not None),
            compress,
            tuple(r.line_no for r in results),
        )

    def gzipped(self) -> bytes:
        """The output as one gzip member (compressed here if the worker did not)."""
        return self.output if self.compressed else gzip_member(self.output)

    def head(self, count: int, text_field: str = "text") -> ChunkResult:
        """The chunk's first `count` records only (`--fail-fast` stops inside a chunk), with
        their statistics counted again from their output lines."""
        data = gzip.decompress(self.output) if self.compressed else self.output
        kept = [line + b"\n" for line in data.split(b"\n")[:count]]  # a record is one line
        stats = BatchStats()
        for line in kept:
            stats.add(summarize(json.loads(line), text_field))
        output = b"".join(kept)
        lines = self.lines[:count]
        return ChunkResult(
            gzip_member(output) if self.compressed else output,
            len(kept),
            stats,
            tuple(failure for failure in self.failures if failure[0] in lines),
            self.compressed,
            lines,
        )


def clean_chunk(
    config: CleanerConfig,
    chunk: list[tuple[int, bytes]],
    compress: bool = False,
    path: str | None = None,
) -> ChunkResult:
    """Clean a chunk of (line number, raw line) pairs of the input file `path` (None: standard
    input); what a worker runs per task.

    With `compress`, the output comes back as one gzip member: a .jsonl.gz output is the
    members of its chunks one after the other (a valid gzip file), so workers compress in
    parallel and the main process only writes.
    """
    return ChunkResult.of(
        [clean_line(config, line_no, raw, path) for line_no, raw in chunk], compress=compress
    )


def crashed_line(item: tuple[int, bytes], reason: str) -> ChunkResult:
    """The error record for a line whose cleaning killed its worker (the input passes through)."""
    line_no, raw = item
    parsed = next(iter_jsonl((raw,)), None)
    original = parsed.record if parsed is not None and parsed.record is not None else {}
    record = error_record(original, CRASH_CODE, reason, line_no)
    return ChunkResult.of([LineResult(line_no, dump_record(record), summarize(record), reason)])


def numbered_lines(stream: IO[bytes] | Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of a JSONL stream with their 1-based line numbers."""
    for line_no, raw in enumerate(stream, start=1):
        if raw.strip():
            yield line_no, raw


def default_jobs() -> int:
    """The number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def start_method() -> str:
    """How to start workers: on Linux, fork when this process runs no other thread, so each
    worker inherits the rules already loaded; otherwise a fork server, which is safe beside
    threads (and on macOS, where fork is not); spawn on Windows, which has neither."""
    if sys.platform == "win32":
        return "spawn"
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "forkserver"


class OrderedPool(Generic[T, R]):
    """An ordered parallel map over chunks of items, with a bounded queue and crash recovery.

    `func(chunk)` must be picklable (a module-level function or a `functools.partial` of one)
    and return one result for the whole chunk; `on_crash(item, reason)` makes the result for
    an item whose worker died (a chunk that kills its worker is re-run one item at a time,
    so results then come per item). With `jobs=1`, or an input shorter than one chunk,
    everything runs in this process and no worker is started. `before_start` runs in this
    process just before workers are started, to load what forked workers should inherit.
    """

    def __init__(
        self,
        func: Callable[[list[T]], R],
        jobs: int,
        on_crash: Callable[[T, str], R],
        *,
        chunk_size: int = CHUNK_SIZE,
        in_flight: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        before_start: Callable[[], object] | None = None,
    ) -> None:
        self.func = func
        self.jobs = max(1, jobs)
        self.on_crash = on_crash
        self.chunk_size = max(1, chunk_size)
        self.in_flight = in_flight or self.jobs * IN_FLIGHT_PER_JOB
        self._initializer = initializer
        self._initargs = initargs
        self._before_start = before_start
        self._executor: ProcessPoolExecutor | None = None
        self._froze = False

    def __enter__(self) -> OrderedPool[T, R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (pending chunks are cancelled)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._froze:
            gc.unfreeze()
            self._froze = False

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            if self._before_start is not None:
                self._before_start()
            method = start_method()
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            elif method == "fork" and not self._froze:
                # What the workers inherit (rules, langdetect's profiles) stays shared: a full
                # garbage collection in any process would otherwise write to every page that
                # holds those objects and make it private (22 MB more, all told, in a 1 GB run).
                gc.freeze()
                self._froze = True

            self._executor = ProcessPoolExecutor(
                self.jobs,
                mp_context=context,
                initializer=self._initializer,
                initargs=self._initargs,
            )
        return self._executor

    def _restart(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def map(self, items: Iterable[T], func: Callable[[list[T]], R] | None = None) -> Iterator[R]:
        """`func` (default: the pool's) over chunks of `items`, results in input order (one
        per chunk, see above)."""
        func = func or self.func
        chunks = _chunked(items, self.chunk_size)
        first = next(chunks, None)
        if first is None:
            return
        second = next(chunks, None) if self.jobs > 1 else None
        if second is None:
            for chunk in chain([first], chunks):
                yield from self._inline(func, chunk)
            return
        pending: deque[tuple[list[T], Future[R]]] = deque()
        for sent, chunk in enumerate(chain([first, second], chunks), 1):
            if sent % TRIM_EVERY == 0:
                release_free_memory()
            pending.append((chunk, self._pool().submit(func, chunk)))
            while len(pending) >= self.in_flight:
                yield from self._collect(func, pending)
        while pending:
            yield from self._collect(func, pending)

    def _inline(self, func: Callable[[list[T]], R], chunk: list[T]) -> list[R]:
        try:
            return [func(chunk)]
        except Exception:  # func is meant never to raise; isolate the item that does
            return [self._one_inline(func, item) for item in chunk]

    def _one_inline(self, func: Callable[[list[T]], R], item: T) -> R:
        try:
            return func([item])
        except Exception as exc:
            return self.on_crash(item, f"{type(exc).__name__}: {exc}")

    def _collect(
        self, func: Callable[[list[T]], R], pending: deque[tuple[list[T], Future[R]]]
    ) -> Iterator[R]:
        chunk, future = pending.popleft()
        try:
            result = future.result()
        except BrokenProcessPool:
            # Every chunk in flight died with the pool: re-run them record by record.
            self._restart()
            retry = [chunk, *(c for c, _ in pending)]
            pending.clear()
            for old in retry:
                yield from self._isolate(func, old)
            return
        except Exception:  # a chunk that could not be sent or run: find the item at fault
            yield from self._isolate(func, chunk)
            return
        yield result

    def _isolate(self, func: Callable[[list[T]], R], chunk: list[T]) -> Iterator[R]:
        for item in chunk:
            try:
                yield self._pool().submit(func, [item]).result()
            except BrokenProcessPool:
                self._restart()
                yield self.on_crash(item, "the worker process died while cleaning this record")
            except Exception as exc:
                yield self.on_crash(item, f"{type(exc).__name__}: {exc}")


def _chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def steady_malloc() -> bool:
    """One glibc malloc arena and a fixed mmap threshold for this process, so a long batch's
    memory stays flat; False where the allocator is not glibc's.

    glibc gives each thread its own arena. The main process's three threads (reading input,
    sending chunks, receiving results) pass 100-400 KB blocks between them, and each arena
    fragments on its own: the main process grew by 7 MB over a 1 GB run, and stays flat with
    one arena (the GIL keeps the threads from contending for it). Set before the pool's
    threads start. The CLI calls this (it owns its processes); the Python API leaves the
    host process's allocator alone.
    """
    mallopt = _glibc("mallopt")
    if mallopt is None:
        return False
    # A fixed threshold: glibc would raise it to the size of each large block freed, and the
    # long articles' blocks would then stay in the heap and fragment it (workers inherit it;
    # a 1 GB run took 201-204 MB for all processes without it, 194 MB with it).
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(mallopt(_M_ARENA_MAX, 1))


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    """A function of glibc's allocator (`mallopt`, `malloc_trim`), or None where the
    allocator is not glibc's."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):  # not glibc (or no such function)
        return None
    return function


def release_free_memory() -> None:
    """Give the free pages inside the heap back to the system (glibc's malloc_trim).

    The main process of a batch passes 100-400 KB blocks (chunks of records, their cleaned
    output) between its threads; freed, they leave holes in the heap that later blocks only
    partly fill, and its resident size crept up by 14-24 MB over a 1 GB run once the compiled
    workers sent their results faster. Called every TRIM_EVERY chunks (a walk over the free
    lists, microseconds), it keeps the main process flat: 113 MB at the end of that run
    instead of 129-143. Changes no allocator setting, so the API may call it too.
    """
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)


def _worker_init(config: CleanerConfig) -> None:
    """Workers leave Ctrl-C to the main process, which stops the pool and reports progress,
    and end on SIGTERM (the pool's way to stop them) even when forked from a main process
    that handles it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    cleaner_for(config)


def _preload(config: CleanerConfig) -> None:
    """Load langdetect's profiles (0.05 s, 25 MB) once in this process before workers start:
    forked workers inherit and share them instead of each loading its own copy."""
    detector = cleaner_for(config).language_detector
    if detector is not None:
        detector.load()


def jsonl_pool(config: CleanerConfig, jobs: int) -> OrderedPool[tuple[int, bytes], ChunkResult]:
    """An `OrderedPool` that cleans numbered JSONL lines with `config` (see `numbered_lines`)."""
    return OrderedPool(
        functools.partial(clean_chunk, config),
        jobs,
        crashed_line,
        initializer=_worker_init,
        initargs=(config,),
        before_start=functools.partial(_preload, config),
    )
