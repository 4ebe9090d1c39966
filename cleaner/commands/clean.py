"""`cleaner clean`: clean files, folders, standard input or JSONL streams."""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from ..batch import (
    ChunkResult,
    CleanerConfig,
    OrderedPool,
    clean_chunk,
    cleaner_for,
    default_jobs,
    jsonl_pool,
    numbered_lines,
    steady_malloc,
)
from ..core import TIME_BUDGET_SECONDS, Cleaner, CleanError
from ..explain import explain
from ..inputs import (
    InputError,
    expand_paths,
    input_kind,
    iter_jsonl,
    open_lines,
    read_bytes,
)
from ..model import CleanResult
from ..outputs import GZIP_SUFFIX, atomic_writer, gzip_member, write_atomic
from ..records import RecordFields, error_record
from ..repeats import RepeatedLine, repeated_set, scan_records, summary_lines
from ..stats import BatchStats, summarize
from . import add_site_options

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report an interrupted command
FORMAT_SUFFIX = {"text": ".txt", "json": ".json", "jsonl": ".jsonl"}
PROGRESS_INTERVAL = 0.5  # seconds between progress bar redraws

Subparsers = argparse._SubParsersAction  # what add_subparsers() returns


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def render(result: CleanResult, fmt: str, path: str | None = None) -> str:
    """The output of one document in the chosen format."""
    if fmt == "text":
        return result.text
    data = result.to_dict()
    if path is not None:
        data = {"path": path, **data}
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _dump(data) + "\n"


@dataclass
class Run:
    """State of one `cleaner clean` invocation: options, counts and where output goes."""

    args: argparse.Namespace
    cleaner: Cleaner
    pool: OrderedPool[tuple[int, bytes], ChunkResult]
    config: CleanerConfig  # how the workers' Cleaner is built
    errors: int = 0
    documents: int = 0
    written: int = 0  # outputs written whole (records or documents)
    stats: BatchStats = field(default_factory=BatchStats)
    progress: Any = None  # a tqdm bar, or None
    repeats: list[RepeatedLine] = field(default_factory=list)  # found by --learn-repeats

    def fail(self, where: str, message: str) -> None:
        self.errors += 1
        if self.progress is not None:
            self.progress.clear()
        print(f"cleaner: {where}: {message}", file=sys.stderr)
        if self.args.fail_fast:
            raise SystemExit(EXIT_DOC_ERRORS)

    def counted(self, summary: Any) -> None:
        """Add one cleaned (or failed) document to the statistics and the progress bar."""
        self.stats.add(summary)
        if self.progress is not None:
            self.progress.update(1)


def _output_path(run: Run, path: str, base: Path | None, suffix: str) -> Path | None:
    """Where a file's cleaned output goes (None: standard output)."""
    if run.args.in_place and path != "-":
        return Path(path)
    if not run.args.output:
        return None
    relative = Path(path).relative_to(base) if base else Path(Path(path).name)
    name = relative.name
    for ext in (".gz", ".txt", ".html", ".htm", ".text", ".md", ".jsonl", ".ndjson", ".json"):
        name = name.removesuffix(ext)
    return Path(run.args.output) / relative.with_name(name + suffix)


def _clean_document(run: Run, path: str) -> CleanResult:
    data = read_bytes(path)
    kind = run.args.input_format if run.args.input_format != "auto" else input_kind(path)
    if kind == "html":
        return run.cleaner.clean_html(data, url=run.args.url, site=run.args.site)
    return run.cleaner.clean(data, url=run.args.url, site=run.args.site)  # decodes bytes


def _emit(run: Run, text: str, target: Path | None, out: IO[str]) -> None:
    if target is None:
        out.write(text)
    else:
        write_atomic(target, text.encode("utf-8"))


def clean_file(run: Run, path: str, base: Path | None, out: IO[str], several: bool) -> None:
    """Clean one text or HTML file and write it in the chosen format."""
    fmt = run.args.format
    target = _output_path(run, path, base, FORMAT_SUFFIX[fmt] if not run.args.in_place else "")
    if target is not None and run.args.skip_existing and target.exists() and not run.args.in_place:
        return
    try:
        result = _clean_document(run, path)
    except (InputError, CleanError) as exc:
        run.stats.errors[exc.code] += 1
        run.fail(path, str(exc))
        if fmt == "jsonl" and target is None:
            out.write(_dump(error_record({"path": path}, exc.code, str(exc))) + "\n")
        return
    run.documents += 1
    run.counted(summarize(result.to_dict()))
    if run.args.explain:
        print(
            explain(result, run.cleaner.rules_by_id, path, sys.stderr.isatty()),
            file=sys.stderr,
            end="",
        )
    if several and fmt == "text" and target is None:
        out.write(f"==> {path} <==\n")
    _emit(run, render(result, fmt, path if fmt == "jsonl" else None), target, out)
    run.written += 1


def clean_records(
    run: Run, lines: Iterable[tuple[int, bytes]], source: str, gzipped: bool = False
) -> Iterator[ChunkResult]:
    """Clean numbered JSONL lines in the run's worker pool, in input order: yields chunks of
    whole output lines, one output line per input line (as gzip members when `gzipped`, so
    the workers compress).

    A bad line or record comes out with an `error` field and is reported on standard error.
    """
    work = functools.partial(clean_chunk, run.config, compress=gzipped)
    for chunk in run.pool.map(lines, work):
        for line_no, message in chunk.failures:
            run.fail(f"{source}:{line_no}", message)
        run.documents += chunk.records - len(chunk.failures)
        run.stats.merge(chunk.stats)
        if run.progress is not None:
            run.progress.update(chunk.records)
        yield chunk
        run.written += chunk.records


def _read_lines(run: Run, stream: IO[bytes], source: str) -> Iterator[tuple[int, bytes]]:
    """The stream's numbered lines; a truncated or corrupt gzip ends the file with an error."""
    try:
        yield from numbered_lines(stream)
    except (OSError, EOFError) as exc:
        run.fail(source, f"cannot read past this point: {exc}")


@contextmanager
def _sink(target: Path | None, out: IO[str]) -> Iterator[Callable[[ChunkResult], object]]:
    """A write function for cleaned chunks: to standard output, or streamed to `target` and
    renamed atomically (a .gz target gets each chunk as a gzip member)."""
    if target is None:
        out.flush()  # what was written as text goes first
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            yield lambda chunk: out.write(chunk.output.decode("utf-8"))
            return
        yield lambda chunk: buffer.write(chunk.output)
        buffer.flush()
        return
    if not _gzipped(target):
        with atomic_writer(target) as handle:
            yield lambda chunk: handle.write(chunk.output)
        return
    with atomic_writer(target, compress=False) as handle:
        size = handle.tell()
        yield lambda chunk: handle.write(chunk.gzipped())
        if handle.tell() == size:  # no record: still a valid (empty) gzip file
            handle.write(gzip_member(b""))


def _gzipped(target: Path | None) -> bool:
    return target is not None and target.name.endswith(GZIP_SUFFIX)


def clean_jsonl_file(run: Run, path: str, base: Path | None, out: IO[str]) -> None:
    """Stream one JSONL input to standard output or to its output file, in constant memory."""
    target = _output_path(run, path, base, ".jsonl" + (".gz" if path.endswith(".gz") else ""))
    if target is not None and run.args.skip_existing and target.exists():
        return
    try:
        stream = open_lines(path)
    except OSError as exc:
        run.fail(path, exc.strerror or str(exc))
        return
    try:
        with _sink(target, out) as write:
            lines = _read_lines(run, stream, path)
            for chunk in clean_records(run, lines, path, gzipped=_gzipped(target)):
                write(chunk)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _progress_bar(args: argparse.Namespace) -> Any:
    """A tqdm bar on standard error, or None when quiet or not on a terminal."""
    if args.quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    # No monitor thread: workers are forked only from a single-threaded process (batch.py).
    tqdm.monitor_interval = 0
    return tqdm(unit=" docs", file=sys.stderr, mininterval=PROGRESS_INTERVAL, leave=False)


def _config(args: argparse.Namespace) -> CleanerConfig:
    """How to build the Cleaner, in this process and in each worker."""
    return CleanerConfig(
        rules_dirs=tuple(args.rules),
        detect_language=not args.no_language,
        fields=RecordFields(text=args.text_field),
        time_budget=args.timeout,
    )


def _report(run: Run) -> None:
    """The end-of-run summary on standard error, and the --stats file."""
    if run.args.stats:
        data = run.stats.to_dict(run.cleaner)
        data["repeated_lines"] = [asdict(r) for r in run.repeats]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_atomic(Path(run.args.stats), text.encode("utf-8"))
    if not run.args.quiet and run.documents + run.errors > 1:
        print(run.stats.format(run.cleaner), file=sys.stderr, end="")
    if not run.args.quiet and run.repeats:
        print("\n".join(summary_lines(run.repeats)), file=sys.stderr)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C: whole lines written, a message on how far it got."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _learn_repeats(args: argparse.Namespace, spool_dir: Path) -> list[RepeatedLine]:
    """First pass of --learn-repeats: lines that recur across many documents of one site.

    Reads every JSONL input once before cleaning (standard input is spooled to a file in
    `spool_dir` so it can be read twice). Holds one entry per distinct line of the batch.
    """
    if "-" in (args.paths or ["-"]):
        spool = spool_dir / "stdin.jsonl"
        with spool.open("wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        args.paths = [str(spool) if p == "-" else p for p in (args.paths or ["-"])]
    jsonl = args.input_format == "jsonl" or args.input_format == "auto"
    sources = [p for p, _ in expand_paths(args.paths) if jsonl and input_kind(p) == "jsonl"]

    def records() -> Iterator[dict[str, Any]]:
        for path in sources:
            with open_lines(path) as stream:
                for item in iter_jsonl(stream):
                    if item.record is not None:
                        yield item.record

    return scan_records(records(), args.text_field)


def cmd_clean(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="cleaner-") as spool_dir:
        repeats = _learn_repeats(args, Path(spool_dir)) if args.learn_repeats else []
        return _run_clean(args, repeats)


def _run_clean(args: argparse.Namespace, repeats: list[RepeatedLine]) -> int:
    steady_malloc()  # before any worker is forked: they inherit it
    config = replace(_config(args), repeated=tuple(sorted(repeated_set(repeats).items())))
    cleaner = cleaner_for(config)  # loads and checks the rules before any worker starts
    if args.jobs is not None and args.jobs < 1:
        print("cleaner: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    jobs = args.jobs or default_jobs()
    with jsonl_pool(config, jobs) as pool, _sigterm_interrupts():
        run = Run(args, cleaner, pool, config, progress=_progress_bar(args), repeats=repeats)
        try:
            return _clean_all(run)
        except KeyboardInterrupt:
            sys.stdout.flush()
            print(
                f"cleaner: interrupted after {run.written} records were written whole "
                f"({run.documents} cleaned, {run.errors} with errors); an output file being "
                "written was not created: re-run with --skip-existing to resume",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        finally:
            if run.progress is not None:
                run.progress.close()
            _report(run)


def _clean_all(run: Run) -> int:
    args = run.args
    paths = args.paths or ["-"]
    files = list(expand_paths(paths))
    several = len(files) > 1
    if several and args.format == "json" and not args.output:
        print("cleaner: several inputs: use --format jsonl or --output DIR", file=sys.stderr)
        return EXIT_USAGE
    out = sys.stdout
    for path, base in files:
        kind = args.input_format
        if kind == "auto":
            kind = (
                input_kind(path) if path != "-" else ("jsonl" if args.format == "jsonl" else "text")
            )
        if kind == "jsonl":
            clean_jsonl_file(run, path, base, out)
        else:
            clean_file(run, path, base, out, several)
    out.flush()
    if run.documents == 0 and run.errors == 0:
        print("cleaner: no documents found in the input", file=sys.stderr)
        return EXIT_DOC_ERRORS
    return EXIT_DOC_ERRORS if run.errors else EXIT_OK


def _positive_seconds(value: str) -> float:
    """argparse type for --timeout: a positive, finite number of seconds."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return seconds


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner clean` to the command line."""
    clean = commands.add_parser("clean", help="clean text, HTML or JSONL inputs")
    clean.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders; '-' or none reads standard input",
    )
    add_site_options(clean)
    clean.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    clean.add_argument(
        "--input-format",
        choices=("auto", "text", "html", "jsonl"),
        default="auto",
        help="how to read inputs (default: from the file name)",
    )
    clean.add_argument("--output", "-o", metavar="DIR", help="write one output file per input here")
    clean.add_argument(
        "--in-place", action="store_true", help="overwrite text inputs with their cleaned text"
    )
    clean.add_argument(
        "--skip-existing", action="store_true", help="skip inputs whose output file exists"
    )
    clean.add_argument(
        "--explain", action="store_true", help="show each removed line with its rule on stderr"
    )
    clean.add_argument("--no-language", action="store_true", help="skip language detection")
    clean.add_argument(
        "--text-field", default="text", help="JSONL field holding the text (default: text)"
    )
    clean.add_argument("--fail-fast", action="store_true", help="stop at the first bad document")
    clean.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=TIME_BUDGET_SECONDS,
        metavar="SECONDS",
        help="time budget per document (plus 1 s per million characters); a document over it "
        f"is a timeout error and the run goes on (default: {TIME_BUDGET_SECONDS:g})",
    )
    batch = clean.add_argument_group("batches")
    batch.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for JSONL records (default: the number of cores)",
    )
    batch.add_argument(
        "--stats", metavar="FILE", help="write batch statistics and rule health as JSON"
    )
    batch.add_argument(
        "--learn-repeats",
        action="store_true",
        help="first read the JSONL batch and remove lines that recur across many documents of "
        "a site (listed in the summary)",
    )
    batch.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar and no end-of-run summary"
    )
    clean.set_defaults(func=cmd_clean)
