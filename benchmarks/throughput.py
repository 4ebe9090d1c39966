"""Throughput, scaling, memory and language-detection cost, each against a baseline run here.

    python benchmarks/throughput.py                      # every section, 20,000 records
    python benchmarks/throughput.py --only text,language --records 5000
    python benchmarks/throughput.py --only memory --memory-mb 1024
    python benchmarks/throughput.py --only jobs --jobs-records 60000

Sections (each prints a table; every figure is a ratio against its baseline in the same run):
  text      Cleaner.clean, one process, vs datatrove's C4QualityFilter (min_num_sentences=-1)
  jobs      `cleaner clean --format jsonl --jobs 2` vs `--jobs 1` (wall time)
  html      Cleaner.clean_html vs plain trafilatura.extract on the same pages
  memory    peak PSS of a --jobs 2 run over a large JSONL file vs one a tenth of its size,
            and vs its own peak by the half-way point (flat: no growth in the second half)
  language  the bounded language sample vs naive full-text langdetect: cost and agreement
Needs the bench extra: pip install '.[bench]' (an editable install runs pure Python, slower).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402 - the sibling module, found through the line above

from cleaner import Cleaner  # noqa: E402
from cleaner.cli import BUILD  # noqa: E402

SECTIONS = ("text", "jobs", "html", "memory", "language")
DEFAULT_RECORDS = 20_000
DEFAULT_MEMORY_MB = 1024
MEMORY_BASELINE_SHARE = 0.1  # the memory baseline is a run over a tenth of the data
RSS_SAMPLE_SECONDS = 0.2
LANGUAGE_DOCS = 2_000  # documents for the language section (langdetect is the slow part)
JOBS_ROUNDS = 5  # --jobs 1 and --jobs 2 alternate this many times; the best of each counts
# The C4 filter and the two Cleaners take turns this many times (the order reversed every
# other round); the best time of each counts, as for jobs: on a shared machine one slow
# stretch moved a single run's ratio by 15%.
TEXT_ROUNDS = 3
HTML_REPEAT = 20  # each HTML page is cleaned this many times (a handful of pages exist)
TARGETS = {
    "text_no_language": 1.0,  # at least as fast as the C4 line filter
    "text_default": 0.2,
    "jobs": 1.8,
    "html": 1.15,  # at most this multiple of trafilatura's time
    "memory_mb": 200,
}


def _timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _table(title: str, header: Sequence[str], rows: list[Sequence[object]]) -> str:
    lines = [f"\n### {title}\n", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def _clean_each(cleaner: Cleaner, texts: list[tuple[str, str | None]]) -> None:
    """Clean every text and drop the result, as a pipeline step does (holding 20,000 results
    would time the garbage collector walking them)."""
    for text, url in texts:
        cleaner.clean(text, url=url)


def bench_text(records: list[dict]) -> str:
    """Docs/s and MB/s of the Cleaner (with and without language) vs the C4 line filter."""
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    texts = [(str(r["text"]), r.get("url")) for r in records]
    megabytes = sum(len(t.encode("utf-8")) for t, _ in texts) / 1e6
    c4 = C4QualityFilter(min_num_sentences=-1)
    cleaners = {
        "text_no_language": ("Cleaner(detect_language=False)", Cleaner(detect_language=False)),
        "text_default": ("Cleaner() (language on)", Cleaner()),
    }
    for _, cleaner in cleaners.values():
        cleaner.clean(*texts[0])  # warm up: regex caches
        if cleaner.language_detector is not None:
            cleaner.language_detector.load()  # once per process, not per document

    def filtered() -> float:
        # The filter rewrites each document's text to the lines it keeps: every run gets
        # documents made afresh (not timed), or the next would filter shorter texts.
        documents = [Document(text=t, id=str(i)) for i, (t, _) in enumerate(texts)]
        return _timed(lambda: [c4.filter(d) for d in documents])

    runs: dict[str, Callable[[], float]] = {
        "baseline": filtered,
        **{
            key: (lambda c=c: _timed(lambda: _clean_each(c, texts)))
            for key, (_, c) in cleaners.items()
        },
    }
    times: dict[str, list[float]] = {key: [] for key in runs}
    for turn in range(TEXT_ROUNDS):
        for key in runs if turn % 2 == 0 else reversed(runs):
            times[key].append(runs[key]())
    baseline = min(times["baseline"])

    def speeds(key: str) -> str:
        return ", ".join(f"{len(texts) / seconds:,.0f}" for seconds in times[key])

    rows = [
        [
            "datatrove C4QualityFilter (baseline)",
            len(texts),
            f"{len(texts) / baseline:,.0f}",
            speeds("baseline"),
            f"{megabytes / baseline:.1f}",
            "1.000",
            "",
        ]
    ]
    for key, (label, _) in cleaners.items():
        seconds = min(times[key])
        ratio = baseline / seconds
        rows.append(
            [
                label,
                len(texts),
                f"{len(texts) / seconds:,.0f}",
                speeds(key),
                f"{megabytes / seconds:.1f}",
                f"{ratio:.3f}",  # 0.196 is no 0.20
                f"{_verdict(ratio >= TARGETS[key])} (>= {TARGETS[key]})",
            ]
        )
    return _table(
        f"Text mode, one process (ratio = speed / C4 filter speed; best of {TEXT_ROUNDS} "
        "alternating runs of each)",
        ["what", "docs", "docs/s", "all runs (docs/s)", "MB/s", "ratio", "target"],
        rows,
    )


def _cli(args: list[str]) -> list[str]:
    """The CLI command of the cleaner this script imported: `-P` keeps a checkout in the
    current folder (pure Python sources) from shadowing the installed, compiled package."""
    return [sys.executable, "-P", "-m", "cleaner.cli", "clean", "--format", "jsonl", "-q", *args]


def _run_cli(*runs: list[str]) -> float:
    """Wall time of one or more CLI runs started together (the time until the last ends)."""
    start = time.perf_counter()
    processes = [
        subprocess.Popen(_cli(args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for args in runs
    ]
    errors = [process.communicate()[1] for process in processes]
    seconds = time.perf_counter() - start
    for process, stderr in zip(processes, errors, strict=True):
        if process.returncode not in (0, 1):
            raise SystemExit(f"cleaner failed: {stderr[-2000:]}")
    return seconds


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def bench_jobs(records: list[dict], workdir: Path) -> str:
    """Wall time of the CLI on a JSONL file with --jobs 1 and --jobs 2 (outputs compared).

    The runs alternate JOBS_ROUNDS times and the best time of each counts (like timeit): on a
    shared machine a neighbour's burst slows one run, never speeds it up. A third run per round
    is the machine's ceiling for this work: two `--jobs 1` processes started together, each on
    one half of the records, with nothing shared and nothing serial between them.
    """
    source = _write_jsonl(workdir / "jobs.jsonl", records)
    half = len(records) // 2
    halves = [
        _write_jsonl(workdir / f"half{i}.jsonl", part)
        for i, part in enumerate((records[:half], records[half:]))
    ]
    times: dict[str, list[float]] = {"1": [], "2": [], "halves": []}
    outputs = {}
    for _ in range(JOBS_ROUNDS):
        for jobs in ("1", "2"):
            out = workdir / f"jobs{jobs}"
            times[jobs].append(_run_cli(["--jobs", jobs, str(source), "-o", str(out)]))
            outputs[jobs] = (out / "jobs.jsonl").read_bytes()
        out = workdir / "halves"
        times["halves"].append(
            _run_cli(*(["--jobs", "1", str(path), "-o", str(out)] for path in halves))
        )
    base = min(times["1"])
    rows = []
    for key, what in (
        ("1", "--jobs 1"),
        ("2", "--jobs 2"),
        ("halves", "ceiling: two --jobs 1 runs at once, on one half each"),
    ):
        best = min(times[key])
        speedup = base / best
        target = ""
        if key == "2":
            target = f"{_verdict(speedup >= TARGETS['jobs'])} (>= {TARGETS['jobs']})"
        runs = ", ".join(f"{t:.2f}" for t in times[key])
        rows.append([what, len(records), f"{best:.2f}", runs, f"{speedup:.2f}", target])
    rounds = ", ".join(f"{a / b:.2f}" for a, b in zip(times["1"], times["2"], strict=True))
    same = "identical" if outputs["1"] == outputs["2"] else "DIFFERENT"
    return _table(
        f"CLI JSONL, {os.cpu_count()} cores (ratio = speed-up over --jobs 1, best of "
        f"{JOBS_ROUNDS} alternating runs; round by round: {rounds}; outputs {same})",
        ["run", "docs", "best s", "all runs (s)", "ratio", "target"],
        rows,
    )


def html_pages() -> list[tuple[str, str | None]]:
    """(page, url): each golden text case as a news page with furniture, plus golden HTML."""
    pages = []
    for site, text in corpus.golden_texts():
        lines = [line for line in text.split("\n") if line.strip()]
        body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines[1:])
        pages.append(
            (
                f"<html><head><title>{html.escape(lines[0])}</title></head><body>"
                f"<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
                f"<article><h1>{html.escape(lines[0])}</h1>\n{body}</article>"
                f"<aside><h3>Most read</h3><ul><li><a href='/1'>Another story</a></li></ul></aside>"
                f"<footer>© {site} All rights reserved.</footer></body></html>",
                f"https://www.{site}/news/1",
            )
        )
    for path in sorted(corpus.GOLDEN.glob("*/*.html")):
        pages.append((path.read_text(encoding="utf-8", errors="replace"), None))
    return pages


def bench_html() -> str:
    """Cleaner.clean_html vs trafilatura.extract, same pages, same process."""
    import html_quality  # the sibling script: the ScrapingHub benchmark's real news pages
    import trafilatura

    if html_quality.DEFAULT_BENCH.is_dir():
        source = "the 181 real pages of the ScrapingHub benchmark"
        pages = [
            (page, url)
            for _, url, page, _ in html_quality.load_pages(html_quality.DEFAULT_BENCH, None)
        ]
    else:  # without shared/bench: small generated pages, where fixed costs weigh more
        source = "pages generated from the golden cases"
        pages = html_pages() * HTML_REPEAT
    cleaner = Cleaner()
    cleaner.clean_html(*pages[0])
    trafilatura.extract(pages[0][0], url=pages[0][1])
    baseline = _timed(lambda: [trafilatura.extract(p, url=u) for p, u in pages])
    ours = _timed(lambda: [cleaner.clean_html(p, url=u) for p, u in pages])
    no_lang = Cleaner(detect_language=False)
    ours_no_lang = _timed(lambda: [no_lang.clean_html(p, url=u) for p, u in pages])
    rows = [
        ["trafilatura.extract (baseline)", len(pages), f"{len(pages) / baseline:,.0f}", "1.00", ""]
    ]
    for label, seconds in (
        ("Cleaner().clean_html", ours),
        ("Cleaner(detect_language=False).clean_html", ours_no_lang),
    ):
        ratio = seconds / baseline
        rows.append(
            [
                label,
                len(pages),
                f"{len(pages) / seconds:,.0f}",
                f"{ratio:.2f}",
                f"{_verdict(ratio <= TARGETS['html'])} (<= {TARGETS['html']})",
            ]
        )
    return _table(
        f"HTML mode on {source} (ratio = time / trafilatura's time)",
        ["what", "pages", "pages/s", "ratio", "target"],
        rows,
    )


def _peak_rss(command: list[str]) -> tuple[float, float, float, float, float, float]:
    """Run `command`: seconds, and peak MB of the main process, of one worker, of all
    processes together (RSS, shared pages counted in each), of all together (PSS), and the
    PSS peak of the run's first half (a flat run has reached its peak by then)."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(process.pid)
    peaks = [0.0, 0.0, 0.0, 0.0]
    timeline: list[tuple[float, float]] = []  # (seconds since start, total PSS MB)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                rss_main = main.memory_info().rss
                children = main.children(recursive=True)
                workers = [c.memory_info().rss for c in children]
                # PSS shares each page among the processes that map it: a true total.
                pss = sum(p.memory_full_info().pss for p in [main, *children])
            except psutil.Error:
                break
            peaks[0] = max(peaks[0], rss_main / 1e6)
            peaks[1] = max(peaks[1], max(workers, default=0) / 1e6)
            peaks[2] = max(peaks[2], (rss_main + sum(workers)) / 1e6)
            peaks[3] = max(peaks[3], pss / 1e6)
            timeline.append((time.perf_counter() - start, pss / 1e6))
            time.sleep(RSS_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"cleaner failed: {err.decode()[-2000:]}")
    seconds = time.perf_counter() - start
    half = max((pss for at, pss in timeline if at <= seconds / 2), default=peaks[3])
    return seconds, peaks[0], peaks[1], peaks[2], peaks[3], half


def _big_jsonl(path: Path, megabytes: int) -> int:
    """A JSONL file of about `megabytes` MB of varied records; returns the record count."""
    limit = megabytes * 1_000_000
    size = count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in corpus.records(10**9):
            line = json.dumps(record, ensure_ascii=False) + "\n"
            handle.write(line)
            size += len(line.encode("utf-8"))
            count += 1
            if size >= limit:
                return count
    return count


def bench_memory(workdir: Path, megabytes: int) -> str:
    """Peak RSS of `cleaner clean --jobs 2` on a big file vs on a tenth of it."""
    rows = []
    base_total = None
    for share in (MEMORY_BASELINE_SHARE, 1.0):
        size = max(1, int(megabytes * share))
        source = workdir / f"mem{size}.jsonl"
        count = _big_jsonl(source, size)
        command = _cli(["--jobs", "2", str(source), "-o", str(workdir / f"mem{size}-out")])
        seconds, main, worker, total, pss, half = _peak_rss(command)
        base_total = base_total or pss
        ok = pss < TARGETS["memory_mb"]
        rows.append(
            [
                f"{size} MB",
                count,
                f"{seconds:.0f}",
                f"{main:.0f}",
                f"{worker:.0f}",
                f"{total:.0f}",
                f"{pss:.0f}",
                f"{half:.0f}",
                f"{pss / half:.2f}",
                f"{pss / base_total:.2f}",
                f"{_verdict(ok)} (all processes, PSS < {TARGETS['memory_mb']} MB)",
            ]
        )
        source.unlink()
    return _table(
        "Peak memory, --jobs 2 (ratio = total peak PSS / the small run's; "
        "end/half = the peak over the whole run / the peak by its half-way point)",
        [
            "input",
            "docs",
            "seconds",
            "main MB",
            "worker MB",
            "total RSS MB",
            "total PSS MB",
            "PSS MB by half-way",
            "end/half",
            "ratio",
            "target",
        ],
        rows,
    )


def bench_language(records: list[dict]) -> str:
    """Cost per document of the bounded sample vs naive full-text detection, and agreement."""
    from cleaner.language import SAMPLE_CHARS, TRIALS, LanguageDetector
    from cleaner.normalize import split_lines
    from cleaner.text import is_body_like

    docs = [str(r["text"]) for r in records[:LANGUAGE_DOCS]]
    docs += [text for _, text in corpus.golden_texts()]
    lines = [[ln.text for ln in split_lines(t)] for t in docs]
    paragraphs = [[text for text in texts if is_body_like(text)] for texts in lines]
    bounded = LanguageDetector()
    factory = bounded._get_factory()

    def full_text(text: str) -> str | None:
        detector = factory.create()  # langdetect's defaults: 7 trials, the whole text
        detector.append(text)
        try:
            return detector.detect().split("-")[0]
        except Exception:
            return None

    naive_seconds = _timed(lambda: [full_text(t) for t in docs])
    naive = [full_text(t) for t in docs]
    ours_seconds = _timed(lambda: [bounded.detect(p) for p in paragraphs])
    ours = [bounded.detect(p) for p in paragraphs]
    agree = sum(a == b for a, b in zip(ours, naive, strict=True)) / len(docs)
    golden = len(corpus.golden_texts())
    agree_golden = sum(a == b for a, b in zip(ours[-golden:], naive[-golden:], strict=True))
    # As cleaning runs it: a site's declared language, confirmed by its function words,
    # spares langdetect; other documents get the bounded sample.
    sites = Cleaner(detect_language=False).sites
    hints = [(r.get("url"), r.get("site")) for r in records[:LANGUAGE_DOCS]]
    hints += [(None, None)] * golden
    declared = []
    for text, (url, site) in zip(docs, hints, strict=True):
        rule_file = sites.resolve(text, url, site).rule_file
        declared.append(rule_file.language if rule_file else None)

    # As cleaning does: when no line reads as a paragraph (every line reads as a caption: a
    # briefs column), all the lines are read; then the declared language stands in.
    def as_cleaning(
        paragraphs: list[str], all_lines: list[str], expected: str | None
    ) -> str | None:
        found = bounded.detect(paragraphs, expected)
        if found is None and not paragraphs:
            found = bounded.detect(all_lines, expected)
        return found or expected

    run_seconds = _timed(
        lambda: [as_cleaning(*args) for args in zip(paragraphs, lines, declared, strict=True)]
    )
    as_run = [as_cleaning(*args) for args in zip(paragraphs, lines, declared, strict=True)]
    agree_run = sum(a == b for a, b in zip(as_run, naive, strict=True)) / len(docs)
    agree_run_golden = sum(a == b for a, b in zip(as_run[-golden:], naive[-golden:], strict=True))
    with_site = sum(e is not None for e in declared)
    rows = [
        [
            "full text, 7 trials (baseline)",
            len(docs),
            f"{1000 * naive_seconds / len(docs):.2f}",
            "1.00",
            "",
        ],
        [
            f"cleaner: {SAMPLE_CHARS}-char sample, {TRIALS} trials",
            len(docs),
            f"{1000 * ours_seconds / len(docs):.2f}",
            f"{ours_seconds / naive_seconds:.2f}",
            f"agrees on {agree:.1%} of documents, {agree_golden}/{golden} golden cases",
        ],
        [
            f"cleaner as run: declared language confirmed ({with_site} docs), else sample "
            "(of all lines when no line reads as a paragraph); declared language when too short",
            len(docs),
            f"{1000 * run_seconds / len(docs):.2f}",
            f"{run_seconds / naive_seconds:.2f}",
            f"agrees on {agree_run:.1%} of documents, {agree_run_golden}/{golden} golden cases",
        ],
    ]
    return _table(
        "Language detection (ratio = time / full-text time)",
        ["method", "docs", "ms/doc", "ratio", "agreement"],
        rows,
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} at start\n"
        f"cleaner: {BUILD}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    parser.add_argument(
        "--jobs-records",
        type=int,
        help="records for the jobs section (default: --records); each run starts a process "
        "that loads the rules and langdetect's profiles (~0.4 s, one core), which a larger "
        "batch amortizes",
    )
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    print(machine())
    records = list(corpus.records(args.records))
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as tmp:
        workdir = Path(tmp)
        for section in sections:
            if section == "text":
                print(bench_text(records), flush=True)
            elif section == "jobs":
                count = args.jobs_records or args.records
                batch = records if count == len(records) else list(corpus.records(count))
                print(bench_jobs(batch, workdir), flush=True)
            elif section == "html":
                print(bench_html(), flush=True)
            elif section == "memory":
                print(bench_memory(workdir, args.memory_mb), flush=True)
            elif section == "language":
                print(bench_language(records), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
