"""`cleaner clean`: clean files, folders, standard input or JSONL streams."""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import shutil
import signal
import sys
import tempfile
import zlib
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
    dump_record,
    jsonl_pool,
    numbered_lines,
    steady_malloc,
)
from ..core import TIME_BUDGET_SECONDS, Cleaner, CleanError
from ..explain import explain
from ..inputs import (
    READ_ERRORS,
    InputError,
    file_error,
    iter_jsonl,
    open_lines,
    read_bytes,
    record_field,
)
from ..model import CleanResult, CleanWarning
from ..outputs import (
    GZIP_SUFFIX,
    atomic_writer,
    encode_like,
    gzip_member,
    silence_stdout,
    write_atomic,
)
from ..progress import Progress
from ..records import RecordFields, error_record
from ..repeats import RepeatedLine, repeated_set, scan_records, summary_lines
from ..stats import BatchStats, summarize
from . import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    add_site_options,
    not_text_note,
    note_replaced_rules,
    unknown_site,
)
from .clean_plan import Input, UsageError, check_stats_file, make_output_folder, plan

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
WRITE_FAILED = "write_failed"  # the error code of an output file that could not be written

Subparsers = argparse._SubParsersAction  # what add_subparsers() returns


def render(result: CleanResult, fmt: str, path: str | None = None) -> str:
    """The output of one document in the chosen format."""
    if fmt == "text":
        return result.text
    data = result.to_dict()
    if path is not None:
        data = {"path": path, **data}
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return dump_record(data)


class OutputError(Exception):
    """Standard output cannot be written (a full disk): the run cannot go on."""


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
    files: int = 0  # output files written whole (with --output)
    skipped: int = 0  # inputs skipped because their output exists (--skip-existing)
    not_text: list[str] = field(default_factory=list)  # binary files found in input folders
    stats: BatchStats = field(default_factory=BatchStats)
    progress: Progress | None = None  # None when quiet or not on a terminal
    repeats: list[RepeatedLine] = field(default_factory=list)  # found by --learn-repeats
    stopped: str | None = None  # the file or file:line where --fail-fast stopped the run

    def fail(self, where: str, message: str) -> None:
        """Report one error; with --fail-fast, the run stops after what is being written."""
        self.errors += 1
        if self.progress is not None:
            self.progress.clear()
        print(f"cleaner: {where}: {message}", file=sys.stderr)
        if self.args.fail_fast and self.stopped is None:
            self.stopped = where

    def warn(self, where: str, warnings: list[CleanWarning]) -> None:
        """Say what cleaning one file was unsure about or noticed (a glued story removed, every
        input line kept), one line each; JSONL records carry theirs in `warnings`."""
        if warnings and self.progress is not None:
            self.progress.clear()
        for warning in warnings:
            print(f"cleaner: {where}: warning {warning.code}: {warning.message}", file=sys.stderr)

    def counted(self, summary: Any) -> None:
        """Add one cleaned (or failed) document to the statistics and the progress bar."""
        self.stats.add(summary)
        if self.progress is not None:
            self.progress.cleaned(1)


def _check_site(args: argparse.Namespace, cleaner: Cleaner) -> None:
    """An unknown --site is a usage error, not a warning on every document."""
    if problem := unknown_site(args, cleaner):
        raise UsageError(problem)


# ---------------------------------------------------------------------------------------------
# Writing


@contextmanager
def _stdout_errors() -> Iterator[None]:
    """A failed write to standard output becomes OutputError (a closed pipe stays
    BrokenPipeError: the reader left, which ends the run quietly)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _to_stdout(write: Callable[[Any], object], data: Any) -> None:
    with _stdout_errors():
        write(data)


def _clean_document(run: Run, item: Input, data: bytes) -> CleanResult:
    if run.args.input_format == "auto" and (field := record_field(data)):
        # Cleaned as one article, every record would come out as a paragraph, with exit 0.
        how = "--format jsonl" if item.path == "-" else "--input-format jsonl"
        raise InputError(
            "records_as_text",
            f"these are JSONL records (line 1 is a JSON object with a {field!r} field), not an "
            f"article: clean them with {how}",
        )
    if item.kind == "html":
        return run.cleaner.clean_html(data, url=run.args.url, site=run.args.site)
    result = run.cleaner.clean(data, url=run.args.url, site=run.args.site)  # decodes bytes
    if run.args.in_place and result.input_format == "html":  # a page saved as text
        raise InputError(
            "html_as_text",
            "--in-place rewrites text files only, and this is an HTML page saved as text: "
            "write it elsewhere with --output DIR",
        )
    return result


def _explain(run: Run, result: CleanResult, name: str) -> None:
    if run.progress is not None:
        run.progress.clear()
    text = explain(result, run.cleaner.rules_by_id, name, sys.stderr.isatty())
    print(text, file=sys.stderr, end="")


def clean_file(run: Run, item: Input, out: IO[str], several: bool) -> None:
    """Clean one text or HTML file and write it in the chosen format."""
    fmt = run.args.format
    target = item.target
    skip = run.args.skip_existing and not run.args.in_place
    if skip and target is not None and target.exists():
        run.skipped += 1
        return
    try:
        if item.problem is not None:
            raise InputError("unreadable", item.problem)
        data = read_bytes(item.source or item.path)
        try:
            result = _clean_document(run, item, data)
        except (InputError, CleanError):
            raise
        except Exception as exc:  # a bug must not stop the run: the other files still go out
            raise CleanError("internal", f"internal error, {type(exc).__name__}: {exc}") from exc
    except (InputError, CleanError) as exc:
        if exc.code == "binary" and item.base is not None:
            # An image or archive beside the articles of a folder is no article: left out
            # and listed at the end. Named on the command line, it is an error.
            run.not_text.append(item.path)
            return
        run.stats.errors[exc.code] += 1
        run.fail(item.path, str(exc))
        if fmt == "jsonl" and target is None:
            _to_stdout(
                out.write, dump_record(error_record({"path": item.path}, exc.code, str(exc)))
            )
            run.written += 1
        return
    if run.args.explain:
        _explain(run, result, item.path)
    elif not run.args.quiet:
        run.warn(item.path, result.warnings)
    text = render(result, fmt, item.path if fmt == "jsonl" else None)
    if target is None:
        if several and fmt == "text":
            _to_stdout(out.write, f"==> {item.path} <==\n")
        _to_stdout(out.write, text)
    else:
        encoded, note = (
            encode_like(text, data, result.encoding or "utf-8")
            if run.args.in_place
            else (text.encode(), None)
        )
        if note is not None and not run.args.quiet:
            print(f"cleaner: {target}: {note}", file=sys.stderr)
        try:
            write_atomic(target, encoded)
        except OSError as exc:
            run.stats.errors[WRITE_FAILED] += 1
            run.fail(str(target), f"cannot write: {exc.strerror or exc}")
            return
        run.files += 1
    run.documents += 1
    run.counted(summarize(result.to_dict()))
    run.written += 1


def _explain_chunk(run: Run, chunk: ChunkResult, source: str) -> None:
    """--explain for JSONL records: each cleaned record's removals, or its error, named
    file:line, in input order."""
    failures = dict(chunk.failures)
    data = gzip.decompress(chunk.output) if chunk.compressed else chunk.output
    for line_no, raw in zip(chunk.lines, data.split(b"\n"), strict=False):
        if line_no in failures:
            run.fail(f"{source}:{line_no}", failures[line_no])
            continue
        record = json.loads(raw)
        if isinstance(record.get("removed"), list):
            _explain(run, CleanResult.from_dict(record), f"{source}:{line_no}")


def clean_records(
    run: Run, lines: Iterable[tuple[int, bytes]], source: str, gzipped: bool = False
) -> Iterator[ChunkResult]:
    """Clean numbered JSONL lines in the run's worker pool, in input order: yields chunks of
    whole output lines, one output line per input line (as gzip members when `gzipped`, so
    the workers compress).

    A bad line or record comes out with an `error` field and is reported on standard error.
    With --fail-fast the records up to the first bad one are yielded, and no more.
    """
    path = None if source == "-" else source
    work = functools.partial(clean_chunk, run.config, compress=gzipped, path=path)
    for chunk in run.pool.map(lines, work):
        if run.args.fail_fast and chunk.failures:
            chunk = chunk.head(chunk.lines.index(chunk.failures[0][0]) + 1, run.config.fields.text)
        if run.args.explain:
            _explain_chunk(run, chunk, source)  # errors too, in input order
        else:
            for line_no, message in chunk.failures:
                run.fail(f"{source}:{line_no}", message)
        run.documents += chunk.records - len(chunk.failures)
        run.stats.merge(chunk.stats)
        if run.progress is not None:
            run.progress.cleaned(chunk.records)
        yield chunk
        run.written += chunk.records
        if run.stopped is not None:
            return


def _read_lines(run: Run, stream: IO[bytes], source: str) -> Iterator[tuple[int, bytes]]:
    """The stream's numbered lines; a truncated or corrupt gzip ends the file with an error."""
    try:
        yield from numbered_lines(stream)
    except READ_ERRORS as exc:
        bad_gzip = isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile)
        run.stats.file_errors["bad_gzip" if bad_gzip else "unreadable"] += 1
        run.fail(source, f"cannot read past this point: {exc}")


@contextmanager
def _sink(target: Path | None, out: IO[str]) -> Iterator[Callable[[ChunkResult], object]]:
    """A write function for cleaned chunks: to standard output, or streamed to `target` and
    renamed atomically (a .gz target gets each chunk as a gzip member)."""
    if target is None:
        _to_stdout(lambda _: out.flush(), None)  # what was written as text goes first
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            yield lambda chunk: _to_stdout(out.write, chunk.output.decode("utf-8"))
            return
        yield lambda chunk: _to_stdout(buffer.write, chunk.output)
        _to_stdout(lambda _: buffer.flush(), None)
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
    return target is not None and target.name.lower().endswith(GZIP_SUFFIX)


def clean_jsonl_file(run: Run, item: Input, out: IO[str], several: bool) -> None:
    """Stream one JSONL input to standard output or to its output file, in constant memory."""
    target = item.target
    if target is not None and run.args.skip_existing and target.exists():
        run.skipped += 1
        return
    if item.problem is not None:
        run.stats.file_errors["unreadable"] += 1
        run.fail(item.path, item.problem)
        return
    try:
        stream = open_lines(item.source or item.path)
    except OSError as exc:
        run.stats.file_errors[file_error(exc).code] += 1
        run.fail(item.path, exc.strerror or str(exc))
        return
    if run.progress is not None:
        run.progress.reading(stream)
    written = run.written
    try:
        if several and target is None and run.args.format == "text":
            _to_stdout(out.write, f"==> {item.path} <==\n")  # as for every text input
        with _sink(target, out) as write:
            lines = _read_lines(run, stream, item.path)
            for chunk in clean_records(run, lines, item.path, gzipped=_gzipped(target)):
                write(chunk)
        if target is not None:
            run.files += 1
    except OSError as exc:
        if target is None:  # standard output: BrokenPipeError
            raise
        run.written = written  # the output file was not created
        run.stats.file_errors[WRITE_FAILED] += 1
        run.fail(str(target), f"cannot write: {exc.strerror or exc}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


# ---------------------------------------------------------------------------------------------
# The run


def _progress_bar(args: argparse.Namespace, inputs: list[Input]) -> Progress | None:
    """The progress bar on standard error, or None when quiet or not on a terminal."""
    if args.quiet or not sys.stderr.isatty():
        return None
    return Progress([item.source or item.path for item in inputs])


def _config(args: argparse.Namespace) -> CleanerConfig:
    """How to build the Cleaner, in this process and in each worker."""
    return CleanerConfig(
        rules_dirs=tuple(args.rules),
        detect_language=not args.no_language,
        fields=RecordFields(text=args.text_field),
        time_budget=args.timeout,
        url=args.url,
        site=args.site,
    )


def _report(run: Run) -> bool:
    """The end-of-run summary on standard error, and the --stats file (False: it could not
    be written)."""
    written = True
    if run.args.stats:
        data = run.stats.to_dict(run.cleaner)
        data["repeated_lines"] = [
            {**asdict(r), "removed": run.stats.repeated[r.site, r.text]} for r in run.repeats
        ]
        data["skipped_existing"] = run.skipped
        data["skipped_not_text"] = run.not_text
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        try:
            if run.args.stats == "-":  # the outputs went to files (see _check_overwrites)
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                write_atomic(Path(run.args.stats), text.encode("utf-8"))
        except OSError as exc:
            print(
                f"cleaner: {run.args.stats}: cannot write: {exc.strerror or exc}", file=sys.stderr
            )
            written = False
    if not run.args.quiet and run.documents + run.errors > 1:
        where = f"all in {run.args.stats}" if run.args.stats else "--stats FILE lists them all"
        print(run.stats.format(run.cleaner, where), file=sys.stderr, end="")
    if run.not_text and not run.args.quiet:
        print(not_text_note(run.not_text), file=sys.stderr)
    if not run.args.quiet and run.skipped and run.documents + run.errors:
        print(
            f"cleaner: --skip-existing skipped {run.skipped} input(s) whose output exists",
            file=sys.stderr,
        )
    if not run.args.quiet and run.repeats:
        print("\n".join(summary_lines(run.repeats, run.stats.repeated)), file=sys.stderr)
    return written


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


def _spool_stdin(inputs: list[Input], spool_dir: Path) -> list[Input]:
    """Standard input as a file, when --learn-repeats must read its records twice."""
    if not any(i.path == "-" and i.kind == "jsonl" for i in inputs):
        return inputs
    spool = spool_dir / "stdin.jsonl"
    with spool.open("wb") as handle:
        shutil.copyfileobj(sys.stdin.buffer, handle)
    return [replace(i, source=str(spool)) if i.path == "-" else i for i in inputs]


def _learn_repeats(args: argparse.Namespace, inputs: list[Input]) -> list[RepeatedLine]:
    """First pass of --learn-repeats: lines that recur across many documents of one site.

    Reads every JSONL input once before cleaning (standard input must be spooled first, see
    `_spool_stdin`). Holds one entry per distinct line of the batch. A file that cannot be
    read (or not to its end) gives what was read; the cleaning pass reports it, once.
    """
    sources = [i.source or i.path for i in inputs if i.kind == "jsonl" and i.problem is None]

    def records() -> Iterator[dict[str, Any]]:
        for path in sources:
            try:
                with open_lines(path) as stream:
                    for item in iter_jsonl(stream):
                        if item.record is not None:
                            yield item.record
            except READ_ERRORS:
                continue

    return scan_records(records(), args.text_field)


def cmd_clean(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("cleaner: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        inputs, notes = plan(args)
        _check_site(args, cleaner_for(_config(args)))  # loads and checks the rules
        make_output_folder(args, inputs)
        check_stats_file(args)
    except UsageError as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        note_replaced_rules(cleaner_for(_config(args)))
        for note in notes:
            print(note, file=sys.stderr)
        if [item.path for item in inputs] == ["-"] and sys.stdin.isatty():
            print("cleaner: reading standard input (end it with Ctrl-D)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="cleaner-") as spool_dir:
        repeats: list[RepeatedLine] = []
        if args.learn_repeats:
            inputs = _spool_stdin(inputs, Path(spool_dir))
            repeats = _learn_repeats(args, inputs)
        return _run_clean(args, inputs, repeats)


def _run_clean(args: argparse.Namespace, inputs: list[Input], repeats: list[RepeatedLine]) -> int:
    steady_malloc()  # before any worker is forked: they inherit it
    config = replace(_config(args), repeated=tuple(sorted(repeated_set(repeats).items())))
    cleaner = cleaner_for(config)
    cores = default_jobs()
    jobs = args.jobs or cores
    if jobs > cores and not args.quiet and sys.stderr.isatty():  # a hint for people
        print(
            f"cleaner: note: --jobs {jobs} is more than the {cores} core(s) this run may "
            "use; the extra workers only add start-up time",
            file=sys.stderr,
        )
    with jsonl_pool(config, jobs) as pool, _sigterm_interrupts():
        run = Run(
            args, cleaner, pool, config, progress=_progress_bar(args, inputs), repeats=repeats
        )
        try:
            code = _clean_all(run, inputs)
        except KeyboardInterrupt:
            try:
                sys.stdout.flush()
            except OSError:
                silence_stdout()
            print(f"cleaner: {_interrupted(run, inputs)}", file=sys.stderr)
            code = EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader of standard output left (`| head`): stop quietly, claim no totals.
            silence_stdout()
            return EXIT_BROKEN_PIPE
        except OutputError as exc:
            print(f"cleaner: {exc}", file=sys.stderr)
            silence_stdout()
            return EXIT_DOC_ERRORS
        finally:
            if run.progress is not None:
                run.progress.close()
        if not _report(run) and code == EXIT_OK:
            code = EXIT_DOC_ERRORS
        return code


def _interrupted(run: Run, inputs: list[Input]) -> str:
    """What an interrupted run left: whole output files (an output file is renamed into place
    only when complete), or the records or documents written whole to standard output."""
    if any(item.target is not None for item in inputs):
        return (
            f"interrupted after {run.files} output file(s) were written whole; the one being "
            "written was not created: re-run with --skip-existing to resume"
        )
    records = run.args.format == "jsonl" or all(item.kind == "jsonl" for item in inputs)
    unit = "records" if records else "documents"
    return (
        f"interrupted after {run.written} {unit} were written whole to standard output "
        f"({run.documents} cleaned, {run.errors} with errors)"
    )


def _clean_all(run: Run, inputs: list[Input]) -> int:
    several = len(inputs) > 1
    out = sys.stdout
    for item in inputs:
        if run.progress is not None:
            run.progress.begin()
        if item.kind == "jsonl":
            clean_jsonl_file(run, item, out, several)
        else:
            clean_file(run, item, out, several)
        if run.stopped is not None:
            break
    _to_stdout(lambda _: out.flush(), None)
    if run.stopped is not None:
        print(
            f"cleaner: --fail-fast stopped the run at {run.stopped}: {run.written} "
            f"output{'' if run.written == 1 else 's'} written whole; nothing after it was cleaned",
            file=sys.stderr,
        )
        return EXIT_DOC_ERRORS
    if run.documents == 0 and run.errors == 0:
        if run.skipped:
            print(
                f"cleaner: nothing to do: every output exists already "
                f"(--skip-existing skipped {run.skipped})",
                file=sys.stderr,
            )
            return EXIT_OK
        if inputs and all(item.kind == "jsonl" for item in inputs):
            # An empty shard of a pipeline: no records in, none out, nothing went wrong.
            print("cleaner: the input holds no records", file=sys.stderr)
            return EXIT_OK
        print("cleaner: no documents found in the input", file=sys.stderr)
        return EXIT_DOC_ERRORS
    return EXIT_DOC_ERRORS if run.errors else EXIT_OK


CLEAN_EXAMPLES = """\
examples:
  cleaner clean article.txt                       the cleaned text on standard output
  cleaner clean --explain article.txt             also each removed line and its rule
  cleaner clean --site dawn.com scraped/ -o out/  a folder, one output file per input
  cleaner clean --format json page.html           text, metadata and removals as JSON
  cleaner clean --format jsonl -j 2 --stats s.json batch.jsonl.gz > cleaned.jsonl
"""


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
    clean = commands.add_parser(
        "clean",
        help="clean text, HTML or JSONL inputs",
        description="Clean text, HTML or JSONL inputs: print (or write) the article alone.",
        epilog=CLEAN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clean.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders; '-' or none reads standard input",
    )
    add_site_options(clean)
    clean.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text: the headline and paragraphs (default); json: one object per document with "
        "metadata, removals and warnings; jsonl: one record per line (JSONL input is "
        "always written as JSONL)",
    )
    clean.add_argument(
        "--input-format",
        choices=("auto", "text", "html", "jsonl"),
        default="auto",
        help="how to read inputs (default: from the file name)",
    )
    clean.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        type=lambda path: None if path == "-" else path,
        help="a folder for one output file per input, or the output file of a single input "
        "(inputs are never overwritten; '-': standard output)",
    )
    clean.add_argument(
        "--in-place", action="store_true", help="overwrite text inputs with their cleaned text"
    )
    clean.add_argument(
        "--skip-existing",
        action="store_true",
        help="with --output: skip inputs whose output file exists (resume a run)",
    )
    clean.add_argument(
        "--explain", action="store_true", help="show each removed line with its rule on stderr"
    )
    clean.add_argument("--no-language", action="store_true", help="skip language detection")
    clean.add_argument(
        "--text-field", default="text", help="JSONL field holding the text (default: text)"
    )
    clean.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first bad document or record (what came before it is written)",
    )
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
        "--stats",
        metavar="FILE",
        help="write batch statistics and rule health as JSON ('-': standard output, when "
        "--output takes the cleaned output)",
    )
    batch.add_argument(
        "--learn-repeats",
        action="store_true",
        help="first read the JSONL batch and remove lines that recur across many documents of "
        "a site (listed in the summary)",
    )
    batch.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar, no warnings and no end-of-run notes (the summary, files left "
        "out as not text); errors are still printed",
    )
    clean.set_defaults(func=cmd_clean)
