"""`cleaner report`: clean a batch and write one self-contained HTML review page."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core import Cleaner, CleanError
from ..golden import EXPECTED_JSON, EXPECTED_TEXT, OPTIONS, GoldenCase
from ..inputs import (
    READ_ERRORS,
    InputError,
    JsonRecord,
    decode_bytes,
    expand_paths,
    file_error,
    input_kind,
    iter_jsonl,
    open_lines,
    read_bytes,
)
from ..outputs import write_atomic
from ..records import ORIGINAL_FIELD, RecordFields, clean_record
from ..report import ReportDocument, build_report
from ..stats import (
    SILENT_SITE,
    BatchStats,
    rarely_matching,
    rarely_matching_sites,
    silent_sites,
    summarize,
)
from . import add_site_options, not_text_note, note_replaced_rules, unknown_site
from .clean_plan import file_identity

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2
# Golden case folders can be reported as they are: their expected and option files are skipped.
SIDE_FILES = (EXPECTED_TEXT, EXPECTED_JSON, OPTIONS)
# Fields a cleaned JSONL record carries that are re-computed when it is cleaned again.
STALE_FIELDS = ("error",)

REPORT_NAME = "report.html"  # the file written into a folder given as --output


def _hints(args: argparse.Namespace, path: str) -> tuple[str | None, str | None]:
    """The url and site hints for a file: the options, else a golden case's options.json."""
    if args.url or args.site or path == "-":
        return args.url, args.site
    file = Path(path)
    options = GoldenCase(file.parent.name, file.name, file).options()
    return options.get("url"), options.get("site")


def report_file(
    cleaner: Cleaner, args: argparse.Namespace, path: str, problem: str | None = None
) -> ReportDocument:
    """Clean one text or HTML file the way `cleaner clean` does, for the report; `problem`
    says why a folder's entry cannot be read (a broken link). Raises InputError "binary" for
    a file that is not text."""
    try:
        if problem is not None:
            raise InputError("unreadable", problem)
        url, site = _hints(args, path)
        data = read_bytes(path)
        if input_kind(path) == "html":
            return ReportDocument(
                path, None, cleaner.clean_html(data, url=url, site=site).to_dict()
            )
        text = decode_bytes(data).text
        return ReportDocument(path, text, cleaner.clean(text, url=url, site=site).to_dict())
    except InputError as exc:
        if exc.code == "binary":
            raise
        return ReportDocument(path, None, None, str(exc))
    except (CleanError, ValueError) as exc:
        return ReportDocument(path, None, None, str(exc))


def _record_name(path: str, line_no: int, record: dict[str, Any]) -> str:
    url = record.get("url")
    return f"{path}:{line_no}" + (f" {url}" if isinstance(url, str) and url else "")


def report_records(
    cleaner: Cleaner, args: argparse.Namespace, path: str
) -> Iterator[ReportDocument]:
    """Clean each JSONL record; a record cleaner already wrote is cleaned again from its input.
    A truncated or corrupt .gz ends the file with an error; the records before it stay."""
    fields = RecordFields()
    try:
        stream = open_lines(path)
    except OSError as exc:
        yield ReportDocument(path, None, None, str(file_error(exc)))
        return
    try:
        for item in iter_jsonl(stream):
            yield _report_record(cleaner, args, path, fields, item)
    except READ_ERRORS as exc:
        yield ReportDocument(path, None, None, f"cannot read past this point: {exc}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _report_record(
    cleaner: Cleaner, args: argparse.Namespace, path: str, fields: RecordFields, item: JsonRecord
) -> ReportDocument:
    """The report's document of one JSONL record."""
    if item.record is None:
        return ReportDocument(f"{path}:{item.line_no}", None, None, item.error)
    record = {k: v for k, v in item.record.items() if k not in STALE_FIELDS}
    if isinstance(record.get(ORIGINAL_FIELD), str):
        record[fields.text] = record[ORIGINAL_FIELD]
    out = clean_record(cleaner, record, fields, item.line_no, url=args.url, site=args.site)
    name = _record_name(path, item.line_no, item.record)
    if "error" in out:
        return ReportDocument(name, None, None, out["error"]["message"])
    return ReportDocument(name, out.get(ORIGINAL_FIELD), out)


def report_path(output: str) -> Path:
    """The file `--output` names: a folder (an existing one, or a name ending in a slash)
    holds the report as report.html."""
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        return Path(output) / REPORT_NAME
    return Path(output)


def _overwrites_input(args: argparse.Namespace) -> str | None:
    """Why --output cannot be written: it is one of the inputs."""
    output = file_identity(report_path(args.output))
    for path, _base, _problem in expand_paths(args.paths):
        if path != "-" and file_identity(Path(path)) == output:
            return f"{path}: the report would overwrite this input: choose another --output"
    return None


def collect(cleaner: Cleaner, args: argparse.Namespace) -> tuple[list[ReportDocument], list[str]]:
    """Every document of the inputs, in input order, and the files of the input folders left
    out as not text (an image beside the articles), as `cleaner clean` leaves them out."""
    documents: list[ReportDocument] = []
    not_text: list[str] = []
    for path, base, problem in expand_paths(args.paths):
        if base is not None and path.endswith(SIDE_FILES):
            continue
        if input_kind(path) == "jsonl" and problem is None:
            documents.extend(report_records(cleaner, args, path))
            continue
        try:
            documents.append(report_file(cleaner, args, path, problem))
        except InputError as exc:  # binary: left out of a folder, an error when named
            if base is not None:
                not_text.append(path)
            else:
                documents.append(ReportDocument(path, None, None, str(exc)))
    return documents, not_text


def batch_stats(documents: list[ReportDocument], cleaner: Cleaner) -> dict[str, Any]:
    """The statistics of the documents, rule health included, as `clean --stats` gives them."""
    stats = BatchStats()
    for doc in documents:
        if doc.fields is not None:
            stats.add(summarize(dict(doc.fields)))
    return stats.to_dict(cleaner)


def cmd_report(args: argparse.Namespace) -> int:
    """Clean the inputs and write the HTML report; exit 1 when some document had an error."""
    cleaner = Cleaner(args.rules, detect_language=not args.no_language)
    note_replaced_rules(cleaner)
    if problem := unknown_site(args, cleaner) or _overwrites_input(args):
        print(f"cleaner: {problem}", file=sys.stderr)
        return EXIT_USAGE
    documents, not_text = collect(cleaner, args)
    if not_text:
        print(not_text_note(not_text), file=sys.stderr)
    if not documents:
        print("cleaner: no documents found in the input", file=sys.stderr)
        return EXIT_DOC_ERRORS
    stats = batch_stats(documents, cleaner)
    html = build_report(documents, cleaner.rules_by_id, args.title, stats["rule_health"])
    output = report_path(args.output)
    try:
        # A file name that is not UTF-8 holds surrogates: shown as the CLI's messages show it.
        write_atomic(output, html.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        print(f"cleaner: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    errors = [d for d in documents if d.error]
    for doc in errors:
        print(f"cleaner: {doc.name}: {doc.error}", file=sys.stderr)
    sites = {d.group for d in documents if not d.error}
    print(
        f"{output}: {len(documents)} document(s), {len(sites)} site group(s), "
        f"{sum(len(d.removed) for d in documents)} line(s) removed, {len(errors)} error(s)",
        file=sys.stderr,
    )
    for site in silent_sites(stats):
        print(f"  rule health: {site}: {SILENT_SITE}", file=sys.stderr)
    for site, found in rarely_matching_sites(stats).items():
        print(f"  rule health: {site}: {rarely_matching(found)}", file=sys.stderr)
    return EXIT_DOC_ERRORS if errors else EXIT_OK


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner report` to the command line."""
    report = commands.add_parser(
        "report",
        help="write an HTML page showing what was removed from each document, and why",
        description="Write one HTML page showing each document of the inputs with what was\n"
        "removed from it, by which rule and why, what went to metadata, and the run's rule\n"
        "health. Open it in a browser; nothing is written besides it.",
        epilog="example:\n  cleaner report scraped/ -o report.html   then open report.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument(
        "paths", nargs="+", metavar="INPUT", help="text or HTML files, folders, or JSONL files"
    )
    report.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="FILE",
        help=f"the HTML file to write (a folder, or a name ending in '/': {REPORT_NAME} in it)",
    )
    add_site_options(report)
    report.add_argument("--no-language", action="store_true", help="skip language detection")
    report.add_argument(
        "--title", default="cleaner report", help="the page title (default: cleaner report)"
    )
    report.set_defaults(func=cmd_report)
