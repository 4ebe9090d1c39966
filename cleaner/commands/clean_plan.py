"""Planning a `cleaner clean` run: every input, where its output goes, and the checks made
before anything is read or written (no output may overwrite an input or another output)."""

from __future__ import annotations

import argparse
import os
import stat
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from ..inputs import expand_paths, input_kind

FORMAT_SUFFIX = {"text": ".txt", "json": ".json", "jsonl": ".jsonl"}
# Taken off an input's name (one of them, after a ".gz"), in any case, before its output
# suffix is added.
GZIP_SUFFIX = ".gz"
INPUT_SUFFIXES = (
    ".txt",
    ".html",
    ".htm",
    ".xhtml",
    ".text",
    ".md",
    ".jsonl",
    ".ndjson",
    ".json",
)
# An --output that does not exist yet names one output file when it ends like one.
OUTPUT_FILE_SUFFIXES = (".txt", ".json", ".jsonl", ".gz")
STDIN_NAME = "stdin"  # the output name of standard input in an --output folder
KIND_NAMES = {"text": "a text file", "html": "an HTML page", "jsonl": "a JSONL file"}


class UsageError(Exception):
    """A command line that cannot run as given: one line on standard error, exit status 2,
    nothing written."""


@dataclass(frozen=True, slots=True)
class Input:
    """One input of the run: how it is read and where its output goes."""

    path: str  # as named on the command line or found in a folder ('-': standard input)
    base: Path | None  # the folder it was found in, or None
    kind: str  # 'text', 'html' or 'jsonl'
    target: Path | None = None  # its output file; None: standard output
    problem: str | None = None  # why it cannot be read (a broken link), reported in its turn
    source: str | None = None  # where to read it when not `path` (standard input spooled)


def plan(args: argparse.Namespace) -> tuple[list[Input], list[str]]:
    """The run's inputs with their output files, and notes on renamed outputs (nothing is
    written yet).

    Raises UsageError for a command line that would overwrite an input, write two outputs
    to one file, ask --in-place to rewrite what is not a text file, or ask for what no input
    of the run has (--skip-existing without --output, --learn-repeats or --text-field
    without JSONL).
    """
    if args.in_place and args.output:
        raise UsageError("--in-place and --output cannot be used together")
    if args.in_place and args.format != "text":
        raise UsageError(
            f"--in-place writes cleaned text: it cannot be used with --format {args.format}"
        )
    if args.skip_existing and not args.output:
        raise UsageError("--skip-existing skips inputs whose output file exists: it needs --output")
    paths = args.paths or ["-"]
    if args.in_place and "-" in paths:
        raise UsageError("--in-place rewrites files: standard input has no file to rewrite")
    single_file = bool(args.output) and _output_is_file(args.output, paths)
    out_folder = Path(args.output) if args.output and not single_file else None
    inputs = [
        Input(path, base, _kind(args, path), problem=problem)
        for path, base, problem in expand_paths(paths, out_folder)
    ]
    if not any(i.kind == "jsonl" for i in inputs):
        for given, option in (
            (args.learn_repeats, "--learn-repeats reads a batch of JSONL records"),
            (args.text_field != "text", "--text-field names the text field of JSONL records"),
        ):
            if given:
                raise UsageError(
                    f"{option}, and no input is JSONL (standard input is with --format jsonl)"
                )
    if len(inputs) > 1 and args.format == "json" and not args.output:
        raise UsageError("several inputs: use --format jsonl or --output DIR")
    if args.in_place:
        others = [i for i in inputs if i.kind != "text" and i.path != "-"]
        if others:
            more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
            raise UsageError(
                f"{others[0].path}: --in-place rewrites text files only, and this is "
                f"{KIND_NAMES[others[0].kind]}{more}: write it elsewhere with --output DIR"
            )
    inputs, twice = _once_each(inputs)
    inputs = [replace(i, target=_target(args, i, single_file)) for i in inputs]
    inputs, notes = _rename_collisions(args, inputs)
    notes = twice + notes
    _check_overwrites(args, inputs)
    if single_file:
        _check_file_folder(Path(args.output))
    return inputs, notes


def _check_file_folder(output: Path) -> None:
    """Refuse an output file under a file (`-o notes.txt/out.txt`); missing folders above it
    are created when it is written."""
    for above in output.parents:
        if above.exists():
            if not above.is_dir():
                raise UsageError(f"{output}: cannot write there: {above} is a file, not a folder")
            return


def make_output_folder(args: argparse.Namespace, inputs: list[Input]) -> None:
    """Create the --output folder (once the rules are known to load), or say why not."""
    if not args.output or any(i.target == Path(args.output) for i in inputs):
        return  # no folder, or --output names the one output file
    try:
        Path(args.output).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"{args.output}: cannot create the output folder: {exc.strerror or exc}"
        ) from None


def check_stats_file(args: argparse.Namespace) -> None:
    """Make sure the --stats file can be written before the batch runs, not after: its folder
    is created, and a file is made and removed in it, as the statistics will be."""
    if not args.stats or args.stats == "-":
        return
    path = Path(args.stats)
    if path.exists() and not path.is_file():
        return  # a named pipe, /dev/null: written to directly
    _check_file_folder(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise UsageError(
            f"{args.stats}: --stats cannot write there: {exc.strerror or exc}"
        ) from None


def _kind(args: argparse.Namespace, path: str) -> str:
    """How an input is read: --input-format, else its name (standard input: by --format)."""
    if args.input_format != "auto":
        return str(args.input_format)
    if path == "-":
        return "jsonl" if args.format == "jsonl" else "text"
    return input_kind(path)


def _output_is_file(output: str, paths: list[str]) -> bool:
    """Whether --output names one output file rather than a folder.

    With one input (a file or standard input) it does when it is an existing file or a new
    name with a suffix (`result.txt`, `result.md`). A new name without one (`cleaned`), an
    existing folder and a name ending in '/' are folders. With a folder or several inputs,
    an existing file or a new name ending like an output file (`result.txt`) is refused.
    """
    where = Path(output)
    if where.is_dir() or output.endswith(("/", os.sep)):
        return False
    single = len(paths) == 1 and (paths[0] == "-" or not Path(paths[0]).is_dir())
    if single:
        return where.exists() or bool(where.suffix)
    if where.exists() or where.name.lower().endswith(OUTPUT_FILE_SUFFIXES):
        what = "is a file" if where.exists() else "looks like a file name"
        raise UsageError(
            f"{output}: --output {what}, but a folder or several inputs give several "
            "outputs: name a folder (a name ending in '/' is one)"
        )
    return False


def _output_suffix(args: argparse.Namespace, item: Input) -> str:
    if item.kind == "jsonl":  # records stay records, whatever --format says
        return ".jsonl" + (".gz" if item.path.lower().endswith(".gz") else "")
    return FORMAT_SUFFIX[args.format]


def _stem(name: str) -> str:
    """A file name without its input suffix, after a '.gz' ('a.jsonl.gz' -> 'a'), in any
    case; only one: 'story.html.txt' is a text file named 'story.html'."""
    if name.lower().endswith(GZIP_SUFFIX):
        name = name[: -len(GZIP_SUFFIX)]
    for ext in INPUT_SUFFIXES:
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return name


def _target(args: argparse.Namespace, item: Input, single_file: bool) -> Path | None:
    """Where an input's cleaned output goes (None: standard output)."""
    if args.in_place:
        return Path(item.path) if item.path != "-" else None
    if not args.output:
        return None
    if single_file:
        return Path(args.output)
    suffix = _output_suffix(args, item)
    if item.path == "-":
        return Path(args.output) / (STDIN_NAME + suffix)
    relative = Path(item.path).relative_to(item.base) if item.base else Path(Path(item.path).name)
    return Path(args.output) / relative.with_name(_stem(relative.name) + suffix)


def _rename_collisions(
    args: argparse.Namespace, inputs: list[Input]
) -> tuple[list[Input], list[str]]:
    """Inputs whose outputs would share a name (story.txt and story.html -> story.txt): each
    one whose own name differs from that output's keeps its full name (story.html.txt)."""
    by_target: dict[Path, list[Input]] = defaultdict(list)
    for item in inputs:
        if item.target is not None and not args.in_place:
            by_target[item.target].append(item)
    renamed: dict[int, Path] = {}
    notes = []
    taken = set(by_target)
    for target, items in by_target.items():
        if len(items) < 2:
            continue
        for item in items:
            name = Path(item.path).name if item.path != "-" else STDIN_NAME
            if name == target.name:
                continue
            suffix = _output_suffix(args, item)
            new = target.with_name(name + suffix)
            number = 2
            while new in taken:  # "story" beside "story.txt": story-2.txt
                new, number = target.with_name(f"{name}-{number}{suffix}"), number + 1
            taken.add(new)
            renamed[id(item)] = new
            other = next(o for o in items if o is not item)
            notes.append(
                f"cleaner: {item.path}: its output is {new} ({other.path} would also be "
                f"written to {target})"
            )
    inputs = [replace(i, target=renamed.get(id(i), i.target)) for i in inputs]
    first: dict[Path, Input] = {}
    for item in inputs:
        if item.target is None:
            continue
        other = first.setdefault(item.target, item)
        if other is not item:
            raise UsageError(
                f"{other.path} and {item.path} would both be written to {item.target}: "
                "clean them separately"
            )
    return inputs, notes


def _once_each(inputs: list[Input]) -> tuple[list[Input], list[str]]:
    """The inputs without a path named a second time (`a/ a/x.txt`), and a note for each (a
    link and its file are two names: each is written)."""
    seen: dict[str, str] = {}
    once, notes = [], []
    for item in inputs:
        key = os.path.abspath(item.path) if item.path != "-" else "-"
        if key in seen:
            also = f" (as {seen[key]})" if seen[key] != item.path else ""
            notes.append(f"cleaner: {item.path}: given twice{also}; cleaned once")
            continue
        seen[key] = item.path
        once.append(item)
    return once, notes


def _stdout_identity() -> tuple[object, ...] | None:
    """The identity of the file standard output is redirected to (`> out.jsonl`), if any."""
    try:
        info = os.fstat(1)
    except OSError:
        return None
    return ("inode", info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def file_identity(path: Path) -> tuple[object, ...]:
    """What makes two paths the same file: device and inode when it exists, else the path."""
    try:
        info = path.stat()
    except OSError:
        return ("path", os.path.realpath(path))
    return ("inode", info.st_dev, info.st_ino)


def _check_overwrites(args: argparse.Namespace, inputs: list[Input]) -> None:
    """Refuse any output (or --stats file) that is an input, unless --in-place asks for it."""
    sources = {file_identity(Path(i.path)): i.path for i in inputs if i.path != "-"}
    if args.stats == "-":
        if any(item.target is None for item in inputs):
            raise UsageError(
                "--stats -: standard output carries the cleaned output; name a file, or "
                "write the output with --output"
            )
    elif args.stats:
        stats = file_identity(Path(args.stats))
        if hit := sources.get(stats):
            raise UsageError(f"{hit}: --stats would overwrite this input")
        stdout = _stdout_identity()
        for item in inputs:
            target = file_identity(item.target) if item.target is not None else stdout
            if target == stats:
                raise UsageError(f"{args.stats}: --stats would overwrite the output of {item.path}")
    if args.in_place:
        return
    stdout = _stdout_identity()
    if (
        stdout is not None
        and any(i.target is None for i in inputs)
        and (hit := sources.get(stdout))
    ):
        raise UsageError(
            f"{hit}: standard output is this input file (with '>', the shell emptied it before "
            "cleaner started): write to another file, or use --in-place"
        )
    for item in inputs:
        hit = sources.get(file_identity(item.target)) if item.target is not None else None
        if hit is None:
            continue
        if hit == item.path:
            raise UsageError(
                f"{hit}: the output would overwrite this input: choose another --output "
                "(--in-place overwrites inputs on purpose)"
            )
        raise UsageError(
            f"{hit}: the output of {item.path} would overwrite this input: choose another --output"
        )
