"""`cleaner clean`: clean files, folders, standard input or JSONL streams."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..core import Cleaner, CleanError
from ..explain import explain
from ..inputs import (
    InputError,
    decode_bytes,
    expand_paths,
    input_kind,
    iter_jsonl,
    open_lines,
    read_bytes,
    write_atomic,
)
from ..model import CleanResult
from ..records import RecordFields, clean_record, error_record

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
FORMAT_SUFFIX = {"text": ".txt", "json": ".json", "jsonl": ".jsonl"}

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
    errors: int = 0
    documents: int = 0

    def fail(self, where: str, message: str) -> None:
        self.errors += 1
        print(f"cleaner: {where}: {message}", file=sys.stderr)
        if self.args.fail_fast:
            raise SystemExit(EXIT_DOC_ERRORS)


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
    return run.cleaner.clean(decode_bytes(data).text, url=run.args.url, site=run.args.site)


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
        run.fail(path, str(exc))
        if fmt == "jsonl" and target is None:
            out.write(_dump(error_record({"path": path}, exc.code, str(exc))) + "\n")
        return
    run.documents += 1
    if run.args.explain:
        print(
            explain(result, run.cleaner.rules_by_id, path, sys.stderr.isatty()),
            file=sys.stderr,
            end="",
        )
    if several and fmt == "text" and target is None:
        out.write(f"==> {path} <==\n")
    _emit(run, render(result, fmt, path if fmt == "jsonl" else None), target, out)


def clean_records(run: Run, records: Iterator[Any], source: str) -> Iterator[str]:
    """Clean JSONL records one by one, in order; bad records come out with an `error` field."""
    fields = RecordFields(text=run.args.text_field)
    for item in records:
        if item.record is None:
            run.fail(f"{source}:{item.line_no}", item.error or "bad record")
            yield (
                _dump(error_record({}, "bad_record", item.error or "bad record", item.line_no))
                + "\n"
            )
            continue
        out = clean_record(run.cleaner, item.record, fields, item.line_no)
        if "error" in out and "error" not in item.record:
            run.fail(f"{source}:{item.line_no}", out["error"]["message"])
        else:
            run.documents += 1
        yield _dump(out) + "\n"


def clean_jsonl_file(run: Run, path: str, base: Path | None, out: IO[str]) -> None:
    """Stream one JSONL input to standard output or to its output file."""
    target = _output_path(run, path, base, ".jsonl" + (".gz" if path.endswith(".gz") else ""))
    if target is not None and run.args.skip_existing and target.exists():
        return
    try:
        stream = open_lines(path)
    except OSError as exc:
        run.fail(path, exc.strerror or str(exc))
        return
    try:
        lines = clean_records(run, iter_jsonl(stream), path)
        if target is None:
            for line in lines:
                out.write(line)
        else:
            write_atomic(target, _maybe_gzip("".join(lines).encode("utf-8"), target))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _maybe_gzip(data: bytes, target: Path) -> bytes:
    if target.name.endswith(".gz"):
        import gzip

        return gzip.compress(data, mtime=0)
    return data


def cmd_clean(args: argparse.Namespace) -> int:
    cleaner = Cleaner(args.rules, detect_language=not args.no_language)
    run = Run(args, cleaner)
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
    where = clean.add_mutually_exclusive_group()
    where.add_argument("--site", help="the site's rule file to use (e.g. dawn.com)")
    where.add_argument("--url", help="the article's URL; its host picks the rule file")
    clean.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra rule folder (repeatable); overrides built-ins for the same site",
    )
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
    clean.set_defaults(func=cmd_clean)
