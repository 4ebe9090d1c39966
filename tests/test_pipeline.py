"""Batch pipeline: streamed JSONL, worker processes, order, crash recovery, gzip, statistics."""

from __future__ import annotations

import gzip
import io
import json
import multiprocessing
import os
import sys
import threading
from pathlib import Path

import pytest

from cleaner import batch
from cleaner.batch import (
    CHUNK_SIZE,
    CleanerConfig,
    OrderedPool,
    clean_line,
    cleaner_for,
    jsonl_pool,
    numbered_lines,
    start_method,
)
from cleaner.cli import main
from cleaner.core import Cleaner, CleanError
from cleaner.golden import discover
from cleaner.model import CleanResult
from cleaner.repeats import find_repeats, story_key, strip_record
from cleaner.rules import RuleError
from cleaner.stats import (
    GENERIC_HEALTH_MIN_DOCUMENTS,
    HEALTH_MIN_DOCUMENTS,
    BatchStats,
    RecordSummary,
)

from conftest import GOLDEN

CRASH_MARK = "crash-this-worker"
RECORDS = 40  # more than two chunks, so --jobs 2 really uses worker processes


def _golden_records(count: int) -> list[dict]:
    """`count` records cycling over the golden text cases, each with an id."""
    cases = _seed_cases()
    return [
        {"id": i, "text": cases[i % len(cases)].input_path.read_text(encoding="utf-8")}
        for i in range(count)
    ]


def _seed_cases() -> list:
    """The seed sites' text cases (recognized from their text alone, no options)."""
    return [
        c
        for c in discover(GOLDEN)
        if c.input_path.suffix == ".txt" and c.input_path.name[:3].isdigit() and not c.options()
    ]


def _write_jsonl(path: Path, records: list[dict], raw_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(raw_lines)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


def _read_jsonl(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_jobs_two_matches_jobs_one_in_input_order(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, _golden_records(RECORDS), raw_lines=("{not json",))
    outputs = []
    for jobs in ("1", "2"):
        code = main(["clean", "--format", "jsonl", "--jobs", jobs, "--quiet", str(source)])
        assert code == 1  # the broken line is an error; the others are cleaned
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    records = [json.loads(line) for line in outputs[1].splitlines()]
    assert [r.get("id") for r in records] == [*range(RECORDS), None]
    assert records[-1]["error"]["code"] == "bad_record" and records[-1]["error"]["line"] == 41
    assert all("error" not in r for r in records[:-1])
    # Each record is cleaned exactly as its golden case expects.
    by_text = {
        c.input_path.read_text(encoding="utf-8"): c.expected_text.read_text(encoding="utf-8")
        for c in _seed_cases()
    }
    checked = [r for r in records[:-1] if r["original_text"] in by_text]
    assert len(checked) == RECORDS and all(
        r["text"] == by_text[r["original_text"]] for r in checked
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_site_and_url_options_clean_every_record(tmp_path, capsys, jobs):
    """--site and --url are used in place of each record's own, as by `cleaner report` (a
    record's own site still outranks --url, as --site outranks a URL)."""
    seed = _seed_cases()[0]
    text = seed.input_path.read_text(encoding="utf-8")
    source = tmp_path / "in.jsonl"
    own = {"text": text, "site": "dawn.com", "url": "https://www.dawn.com/news/1"}
    _write_jsonl(source, [{"text": text, "url": "https://www.dawn.com/news/1"}, own])
    for option, expected in (
        (["--site", "presstv.ir"], [("presstv.ir", "option")] * 2),
        (
            ["--url", "https://www.presstv.ir/Detail/1"],
            [("presstv.ir", "url"), ("dawn.com", "option")],
        ),
        (["--site", "generic"], [(None, "option")] * 2),
    ):
        assert main(["clean", "--format", "jsonl", "-q", "-j", jobs, *option, str(source)]) == 0
        records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(r["site"], r["site_source"]) for r in records] == expected


def test_gzip_in_gzip_out_streamed_to_output_dir(tmp_path, capsys):
    source = tmp_path / "batch.jsonl.gz"
    records = _golden_records(RECORDS)
    _write_jsonl(source, records)
    out_dir = tmp_path / "out"
    assert (
        main(["clean", "--format", "jsonl", "-j", "2", "-q", str(source), "-o", str(out_dir)]) == 0
    )
    target = out_dir / "batch.jsonl.gz"
    assert sorted(p.name for p in out_dir.iterdir()) == ["batch.jsonl.gz"]  # no temp file left
    cleaned = _read_jsonl(target)
    assert [r["id"] for r in cleaned] == [r["id"] for r in records]
    plain = tmp_path / "plain.jsonl"
    _write_jsonl(plain, records)
    assert main(["clean", "--format", "jsonl", "-j", "1", "-q", str(plain)]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == cleaned


def test_gzip_output_is_compressed_by_the_workers_and_reproducible(tmp_path):
    """A .jsonl.gz output is one gzip member per chunk, compressed in the worker that cleaned
    it: the same bytes with one or two workers, and one valid gzip file."""
    source = tmp_path / "batch.jsonl.gz"
    count = 3 * CHUNK_SIZE + 5  # several chunks and a short last one
    _write_jsonl(source, _golden_records(count))
    outputs = []
    for jobs in ("1", "2"):
        out_dir = tmp_path / f"out{jobs}"
        args = ["clean", "--format", "jsonl", "-j", jobs, "-q", str(source), "-o", str(out_dir)]
        assert main(args) == 0
        outputs.append((out_dir / "batch.jsonl.gz").read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\x1f\x8b\x08") >= 4  # a gzip member per chunk
    with gzip.open(tmp_path / "out2" / "batch.jsonl.gz", "rt", encoding="utf-8") as handle:
        assert len(handle.readlines()) == count


def test_gzip_output_without_records_is_a_valid_empty_file(tmp_path):
    source = tmp_path / "blank.jsonl.gz"
    source.write_bytes(gzip.compress(b"\n\n"))
    out_dir = tmp_path / "out"
    main(["clean", "--format", "jsonl", "-q", str(source), "-o", str(out_dir)])
    assert gzip.decompress((out_dir / "blank.jsonl.gz").read_bytes()) == b""


@pytest.mark.skipif(sys.platform != "linux", reason="the patched function reaches forked workers")
def test_a_dying_worker_in_a_gzip_output_costs_one_record(tmp_path, monkeypatch, capsys):
    """A record that kills its worker comes out as an error record, compressed by the main
    process between the members the workers made; the file stays one valid gzip file."""
    monkeypatch.setattr(batch, "start_method", lambda: "fork")
    real, this_process = batch.clean_line, os.getpid()

    def dies_on_mark(config, line_no, raw, path=None):
        if CRASH_MARK.encode() in raw and os.getpid() != this_process:
            os._exit(3)  # in a forked worker only, never in pytest's own process
        return real(config, line_no, raw, path)

    monkeypatch.setattr(batch, "clean_line", dies_on_mark)
    records = _golden_records(3 * 64)  # several chunks, so that workers run them
    records[21]["text"] += "\n" + CRASH_MARK
    source = tmp_path / "batch.jsonl.gz"
    _write_jsonl(source, records)
    out_dir = tmp_path / "out"
    assert (
        main(["clean", "--format", "jsonl", "-j", "2", "-q", str(source), "-o", str(out_dir)]) == 1
    )
    cleaned = _read_jsonl(out_dir / "batch.jsonl.gz")
    assert [r["id"] for r in cleaned] == [r["id"] for r in records]
    assert cleaned[21]["error"]["code"] == "worker_crashed"
    assert all("error" not in r for i, r in enumerate(cleaned) if i != 21)
    assert "worker process died" in capsys.readouterr().err


def test_truncated_gzip_keeps_what_was_read(tmp_path, capsys):
    source = tmp_path / "cut.jsonl.gz"
    _write_jsonl(source, _golden_records(RECORDS))
    data = source.read_bytes()
    source.write_bytes(data[: len(data) * 2 // 3])
    out_dir = tmp_path / "out"
    assert main(["clean", "--format", "jsonl", "-q", str(source), "-o", str(out_dir)]) == 1
    err = capsys.readouterr().err
    assert f"{source}: cannot read past this point" in err and "Traceback" not in err
    kept = _read_jsonl(out_dir / "cut.jsonl.gz")
    assert 0 < len(kept) < RECORDS and [r["id"] for r in kept] == list(range(len(kept)))


def test_stats_file_and_rule_health(tmp_path, capsys):
    records = _golden_records(10)
    # A dawn.com document in which no dawn.com rule fires: the sign of a changed layout.
    records.append(
        {
            "id": "changed",
            "site": "dawn.com",
            "text": "A headline\n\nA plain paragraph of body text that no rule of any site knows.",
        }
    )
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, records)
    stats_file = tmp_path / "stats.json"
    code = main(["clean", "--format", "jsonl", "-j", "1", "--stats", str(stats_file), str(source)])
    assert code == 0
    err = capsys.readouterr().err
    stats = json.loads(stats_file.read_text())
    assert stats["documents"] == 11 and stats["errors"] == 0
    assert sum(s["documents"] for s in stats["sites"].values()) == 11
    assert 0 < stats["removed_share"] < 1
    dawn = stats["sites"]["dawn.com"]
    assert dawn["rules_fired"]["dawn.caption"] >= 1
    health = stats["rule_health"]
    assert health["sites_matching_no_rule"] == []  # the other dawn.com documents did match
    assert all(isinstance(v, list) and v for v in health["unused_site_rules"].values())
    assert "11 documents" in err and "dawn.com" in err  # the summary on standard error

    only_changed = tmp_path / "changed.jsonl"
    _write_jsonl(only_changed, records[-1:] * 2)
    assert main(["clean", "--format", "jsonl", "--stats", str(stats_file), str(only_changed)]) == 0
    health = json.loads(stats_file.read_text())["rule_health"]
    assert health["sites_matching_no_rule"] == ["dawn.com"]
    assert "rule health" not in capsys.readouterr().err  # two pages say nothing yet
    _write_jsonl(only_changed, records[-1:] * HEALTH_MIN_DOCUMENTS)
    assert main(["clean", "--format", "jsonl", "--stats", str(stats_file), str(only_changed)]) == 0
    assert "dawn.com: no site rule removed a line" in capsys.readouterr().err


def test_rule_health_names_a_site_whose_rules_took_lines_in_only_a_few_documents(tmp_path, capsys):
    """A site whose furniture moved may still see a rule fire now and then (a crosshead read
    as a byline): a few hits over many documents are named, as a silent site is."""
    changed = {
        "site": "dawn.com",
        "text": "A headline\n\nA plain paragraph of body text that no rule of any site knows.",
    }
    seed = next(c for c in _seed_cases() if c.input_path.parent.name == "dawn.com")
    matched = {"site": "dawn.com", "text": seed.input_path.read_text(encoding="utf-8")}
    records = [dict(changed, id=i) for i in range(HEALTH_MIN_DOCUMENTS + 3)] + [matched] * 2
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, records)
    stats_file = tmp_path / "stats.json"
    assert main(["clean", "--format", "jsonl", "--stats", str(stats_file), str(source)]) == 0
    health = json.loads(stats_file.read_text())["rule_health"]
    assert health["sites_matching_no_rule"] == []
    rare = health["sites_rarely_matching"]["dawn.com"]
    assert rare["documents"] == len(records) and rare["top_rule_documents"] == 2
    assert rare["top_rule"] == "dawn.caption"
    err = capsys.readouterr().err
    assert (
        f"rule health: dawn.com: its most used rule (dawn.caption) removed lines in only "
        f"2 of {len(records)} documents (did the layout change?)"
    ) in err
    # A site whose rules take lines in most of its documents is not named.
    _write_jsonl(source, [dict(matched, id=i) for i in range(HEALTH_MIN_DOCUMENTS)])
    assert main(["clean", "--format", "jsonl", "--stats", str(stats_file), str(source)]) == 0
    assert json.loads(stats_file.read_text())["rule_health"]["sites_rarely_matching"] == {}
    assert "did the layout change" not in capsys.readouterr().err


def test_quiet_prints_no_summary(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, _golden_records(3))
    assert main(["clean", "--format", "jsonl", "--quiet", str(source)]) == 0
    assert capsys.readouterr().err == ""


def test_bad_jobs_is_a_usage_error(capsys):
    assert main(["clean", "--format", "jsonl", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


def _crash_on_mark(chunk: list[str]) -> list[str]:
    """A worker function that dies (like a segfault) on one item."""
    if any(CRASH_MARK in item for item in chunk):
        os._exit(3)
    return [item.upper() for item in chunk]


def _crashed(item: str, reason: str) -> list[str]:
    return [f"crashed: {item}: {reason}"]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_dying_worker_costs_one_record(monkeypatch, method):
    if method == "fork" and sys.platform != "linux":
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setattr(batch, "start_method", lambda: method)
    items = [f"item {i}" for i in range(30)]
    items[13] = CRASH_MARK
    with OrderedPool(_crash_on_mark, 2, _crashed, chunk_size=4) as pool:
        results = [item for chunk in pool.map(items) for item in chunk]
    assert len(results) == len(items)
    assert results[13].startswith(f"crashed: {CRASH_MARK}: the worker process died")
    assert [r for i, r in enumerate(results) if i != 13] == [
        item.upper() for i, item in enumerate(items) if i != 13
    ]


def _double(chunk: list[int]) -> list[int]:
    return [2 * item for item in chunk]


def test_pool_reads_input_lazily():
    """Memory stays flat: the pool never holds more than its in-flight chunks."""
    pulled = 0

    def source():
        nonlocal pulled
        for i in range(500):
            pulled += 1
            yield i

    with OrderedPool(_double, 2, _crashed, chunk_size=5, in_flight=3) as pool:
        ahead = 0
        values = (value for chunk in pool.map(source()) for value in chunk)
        for done, value in enumerate(values, start=1):
            assert value == 2 * (done - 1)
            ahead = max(ahead, pulled - done)
    assert done == 500 and ahead <= 3 * 5 + 5


def test_worker_pool_cleans_like_this_process():
    config = CleanerConfig(detect_language=False)
    lines = [json.dumps(r).encode() + b"\n" for r in _golden_records(RECORDS)]
    serial = [clean_line(config, n, raw).output for n, raw in numbered_lines(lines)]
    with jsonl_pool(config, 2) as pool:
        parallel = b"".join(chunk.output for chunk in pool.map(numbered_lines(lines)))
    assert parallel.decode("utf-8").splitlines(keepends=True) == serial
    # Detection off: a site's declared language stands in (all built-in sites are English).
    outputs = [json.loads(line) for line in serial]
    assert {(o["site"] is None, o["language"]) for o in outputs} <= {(True, None), (False, "en")}


CITIES = ("Tehran", "Baghdad", "Beirut", "Damascus", "Sanaa", "Muscat", "Doha", "Kabul")
# A site footer no rule names (learned from the batch instead).
FOOTER = "Readers in the region can also watch the evening bulletin on channel 44 of Badr 7"


def _footer_records() -> list[dict]:
    records = [
        {
            "id": i,
            "url": f"https://www.presstv.ir/Detail/{i}",
            "text": f"Ministers meet in {city} this week\n\nBody paragraph {i} about events in the "
            f"region this week, officials said.\n\n{FOOTER}",
        }
        for i, city in enumerate(CITIES)
    ]
    records.append(
        {
            "id": 99,
            "url": "https://other.example/a",
            "text": f"Other\n\nA body line long enough to be prose, officials said.\n\n{FOOTER}",
        }
    )
    return records


def _run_learn(tmp_path: Path, records: list[dict], name: str, capsys) -> dict[int, dict]:
    source = tmp_path / f"{name}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    stats = tmp_path / f"{name}.stats.json"
    assert (
        main(
            [
                "clean",
                "--format",
                "jsonl",
                "--learn-repeats",
                "--jobs",
                "1",
                "--stats",
                str(stats),
                str(source),
            ]
        )
        == 0
    )
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in out] == [r["id"] for r in records]  # input order
    found = json.loads(stats.read_text())["repeated_lines"]
    assert [(r["site"], r["text"], r["documents"]) for r in found] == [("presstv.ir", FOOTER, 8)]
    return {r["id"]: r for r in out}


def test_learn_repeats_removes_site_footer_independent_of_order(tmp_path, capsys):
    records = _footer_records()
    forward = _run_learn(tmp_path, records, "forward", capsys)
    backward = _run_learn(tmp_path, records[::-1], "backward", capsys)
    assert forward == backward
    assert FOOTER not in forward[3]["text"]
    assert forward[3]["removed"][-1]["rule"] == "batch.repeated-line"
    assert FOOTER in forward[99]["text"]  # another site: too few documents to learn from


def _learn_summary(tmp_path: Path, records: list[dict], capsys) -> tuple[list[str], list]:
    """The summary's repeated-line lines and the --stats file's repeated_lines of a
    --learn-repeats run over `records`."""
    source = tmp_path / "batch.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    stats = tmp_path / "stats.json"
    args = ["clean", "--format", "jsonl", "--learn-repeats", "-j", "1", "--stats", str(stats)]
    assert main([*args, str(source)]) == 0
    summary = [x for x in capsys.readouterr().err.splitlines() if x.startswith("repeated line")]
    return summary, json.loads(stats.read_text())["repeated_lines"]


def test_learn_repeats_lists_only_the_lines_the_rules_left(tmp_path, capsys):
    """A footer the site's rules already remove recurs too; the summary counts it apart, as
    it needs no new rule."""
    known = "Press TV’s website can also be accessed at the following alternate addresses:"
    records = [{**r, "text": f"{r['text']}\n\n{known}"} for r in _footer_records()]
    summary, found = _learn_summary(tmp_path, records, capsys)
    assert summary == [
        f"repeated line: presstv.ir: 8/8 documents, removed from 8: {FOOTER}",
        "repeated line: 1 more that this run left to the rules or kept inside the text (see "
        "the batch_repeats_kept warnings)",
    ]
    assert sorted((r["text"], r["removed"]) for r in found) == [(known, 0), (FOOTER, 8)]


def test_learn_repeats_counts_each_sites_removals_apart(tmp_path, capsys):
    """A footer two sites share is learnt on each, and each site's entry counts its own
    documents (round-76 probe: every site's entry gave the total of all sites)."""
    presstv = _footer_records()[:-1]
    other = [
        {
            "id": 100 + i,
            "url": f"https://news.example/story/{i}",
            "text": f"Council meets in {city} today\n\nBody paragraph {i} about the council "
            f"meeting this week, its members said.\n\n{FOOTER}",
        }
        for i, city in enumerate(CITIES[:5])
    ]
    summary, found = _learn_summary(tmp_path, presstv + other, capsys)
    assert summary == [
        f"repeated line: news.example: 5/5 documents, removed from 5: {FOOTER}",
        f"repeated line: presstv.ir: 8/8 documents, removed from 8: {FOOTER}",
    ]
    assert sorted((r["site"], r["removed"]) for r in found) == [
        ("news.example", 5),
        ("presstv.ir", 8),
    ]


def test_an_article_scraped_again_is_no_site_furniture(tmp_path, capsys):
    """Six copies of one article (same headline) share every paragraph with each other, not
    with the site: they count once, and nothing of them is learned as a repeated line."""
    body = [
        f"Paragraph {n} of the story says something new about the airstrikes." for n in range(6)
    ]
    story = "Airstrikes push Baghdad to expel troops\n\n" + "\n\n".join(body)
    records = [
        {"id": 100 + i, "url": f"https://www.presstv.ir/Detail/{i}", "text": story}
        for i in range(6)
    ]
    records += _footer_records()
    out = _run_learn(tmp_path, records, "again", capsys)
    assert all(out[100 + i]["paragraphs"] == body for i in range(6))


def test_a_story_is_known_by_its_first_three_long_lines():
    """A story is known by its first three lines of four words or more: past a section label
    and a time ("Economy", "1 hour ago"), and under a banner and a "follow us" line every page
    shows; pages whose headlines differ only in a date are different stories. A page scraped
    again counts once, so the site's real footer is learned from its distinct stories."""
    lines = ["Economy", "1 hour ago", "Rice prices climb again", "Prices in Dhaka rose.", "a b c d"]
    assert story_key(lines) == "rice prices climb again\nprices in dhaka rose.\na b c d"
    banner = ["The Valley Herald: your local news", "Follow us on Google News for more"]
    assert story_key([*banner, "Council votes on the bridge"]) != story_key(
        [*banner, "Mayor opens the new library"]
    )
    assert story_key(["Gold price on 10 March", "Up again."]) != story_key(
        ["Gold price on 11 March", "Up again."]
    )
    footer = "For all latest news, follow The Financial Express Google News channel."
    pages = [
        f"{section}\n1 hour ago\n{city} prices climb again\nPrices in {city} rose by a tenth.\n"
        f"{footer}"
        for section, city in zip(["Economy", "Trade"] * 3, CITIES, strict=False)
    ]
    found = find_repeats([("fe", page) for page in pages + pages[:1] * 3])
    assert [(r.text, r.documents, r.total) for r in found] == [(footer, 6, 6)]


def test_learn_repeats_strips_a_footer_of_several_sentences_from_a_short_brief():
    """A brief of one paragraph loses the three sentences of its site's footer: most of its
    lines, but not all of its paragraphs (round-71 attack: a guard on 'most' kept them)."""
    lead = "The toll from the strike rose again on Friday, rescuers said in the city."
    footers = [
        "Local Brief is a free service for the whole of the valley.",
        "Have a story we should cover? Email the newsroom today.",
        "Our journalism is paid for by readers like you, every month.",
    ]
    brief = {"title": "T", "paragraphs": [lead, *footers], "text": ""}
    record = {"url": "https://www.presstv.ir/Detail/1"}
    stripped = strip_record(brief, record, {"presstv.ir": set(footers)})
    assert stripped["paragraphs"] == [lead] and "warnings" not in stripped


def test_learn_repeats_keeps_a_reused_paragraph_inside_the_text():
    """A paragraph a site reuses in many stories (the background of a running story) or a
    crosshead its columns share sits inside the text, between paragraphs of its own: it
    stays, with a warning. The site's footer at the end goes."""
    background = "The war began in October, when fighters crossed the border in the south."
    crosshead = "Market outlook for the week"
    footer = "For all latest news, follow our Google News channel today."
    paragraphs = [
        "Talks resumed in Cairo on Monday, officials said.",
        background,
        crosshead,
        "Negotiators expect a draft by the end of the week.",
        footer,
    ]
    out = {"title": "T", "paragraphs": paragraphs, "text": ""}
    record = {"url": "https://www.presstv.ir/Detail/1"}
    stripped = strip_record(out, record, {"presstv.ir": {background, crosshead, footer}})
    assert stripped["paragraphs"] == paragraphs[:4]
    assert [r["text"] for r in stripped["removed"]] == [footer]
    assert stripped["warnings"] == [
        {
            "code": "batch_repeats_kept",
            "message": "kept 2 line(s) found on other pages of the site inside the text "
            "(background or a crosshead the site reuses?): 'The war began in October, when "
            "fighters crossed the border in the south.'",
        }
    ]


def test_learn_repeats_strips_a_header_and_a_footer_of_several_lines():
    """Repeated lines right under the headline (a site's banner) and the run of them that
    ends the text (a footer of several sentences) both go, prose or not."""
    banner = "The Valley Herald is your source for local news every day."
    footers = ["Have a story we should cover? Email the newsroom today.", "© Valley Herald 2025"]
    body = ["The council voted on the bridge on Monday, the mayor said.", "Work starts in May."]
    out = {"title": "T", "paragraphs": [banner, *body, *footers], "text": ""}
    record = {"url": "https://www.presstv.ir/Detail/1"}
    stripped = strip_record(out, record, {"presstv.ir": {banner, *footers}})
    assert stripped["paragraphs"] == body and "warnings" not in stripped


def test_learn_repeats_never_strips_a_text_down_to_no_paragraph():
    """When every paragraph of a text is on the site's other pages (one article under several
    headlines), the lines are kept with a warning: the output is never silently empty."""
    body = ["The first paragraph of the story is long enough to read as prose.", "SS"]
    out = {"title": "T", "paragraphs": body, "text": "T\n\n" + "\n\n".join(body) + "\n"}
    record = {"url": "https://www.presstv.ir/Detail/1"}
    stripped = strip_record(out, record, {"presstv.ir": {body[0]}})
    assert stripped["paragraphs"] == body
    short = {"title": "T", "paragraphs": ["SS"], "text": "T\n\nSS\n"}  # no prose at all
    assert strip_record(short, record, {"presstv.ir": {"SS"}})["paragraphs"] == ["SS"]
    assert stripped["warnings"] == [
        {
            "code": "batch_repeats_kept",
            "message": "kept 1 line(s) found on other pages of the site: they are all of its "
            "paragraphs (the same article scraped again?)",
        }
    ]


def test_without_learn_repeats_nothing_is_removed(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _footer_records()))
    assert main(["clean", "--format", "jsonl", "--jobs", "1", "-q", str(source)]) == 0
    assert all(FOOTER in json.loads(line)["text"] for line in capsys.readouterr().out.splitlines())


def test_workers_fork_only_from_a_single_threaded_process(monkeypatch):
    """Forked workers inherit the loaded rules; beside another thread a fork server is used."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert start_method() == "fork"
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert start_method() == "forkserver"
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert start_method() == "forkserver"


def test_pool_prepares_only_when_it_starts_workers():
    """`before_start` (langdetect's profiles for forked workers) runs once, and only when workers
    start: an input of one chunk is cleaned in this process and loads nothing for them."""
    calls = []
    with OrderedPool(
        _double, 2, _crashed, chunk_size=5, before_start=lambda: calls.append(1)
    ) as pool:
        assert [v for chunk in pool.map(range(5)) for v in chunk] == [0, 2, 4, 6, 8]
        assert calls == []
        assert [v for chunk in pool.map(range(12)) for v in chunk] == list(range(0, 24, 2))
        assert [v for chunk in pool.map(range(12)) for v in chunk] == list(range(0, 24, 2))
    assert calls == [1]


def test_forked_workers_share_what_was_loaded_before_the_fork(monkeypatch):
    """Objects alive at the fork are frozen out of garbage collection while the pool runs, so
    no process's full collection copies the pages it shares with the others."""
    import gc

    monkeypatch.setattr(batch, "start_method", lambda: "fork")
    if sys.platform != "linux":
        pytest.skip("workers are forked on Linux only")
    with OrderedPool(_double, 2, _crashed, chunk_size=5) as pool:
        assert [v for chunk in pool.map(range(12)) for v in chunk] == list(range(0, 24, 2))
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_steady_malloc_on_glibc():
    from cleaner.batch import steady_malloc

    assert steady_malloc() is (sys.platform.startswith("linux") and _has_glibc())


def test_the_pool_returns_freed_memory_as_it_goes(monkeypatch):
    """The main process gives its heap's free pages back every TRIM_EVERY chunks it sends."""
    calls = []
    monkeypatch.setattr(batch, "release_free_memory", lambda: calls.append(1))
    with OrderedPool(_double, 2, _crashed, chunk_size=1) as pool:
        assert [v for chunk in pool.map(range(40)) for v in chunk] == list(range(0, 80, 2))
    assert len(calls) == 40 // batch.TRIM_EVERY
    monkeypatch.undo()
    batch.release_free_memory()  # on glibc it trims; elsewhere it does nothing; never raises
    assert (batch._glibc("malloc_trim") is not None) is (
        sys.platform.startswith("linux") and _has_glibc()
    )


def _has_glibc() -> bool:
    import platform

    return platform.libc_ver()[0] == "glibc"


# ---------------------------------------------------------------------------------------------
# The end-of-run summary and --stats


def test_summary_counts_every_record_and_says_how_many_were_cleaned(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, _golden_records(3), raw_lines=("{broken", '{"id": 9}', "[1]"))
    assert main(["clean", "--format", "jsonl", "-j", "1", str(source)]) == 1
    summary = capsys.readouterr().err.splitlines()
    assert "cleaner: 6 documents: 3 cleaned, 3 errors; removed " in "\n".join(summary)


def test_the_summary_says_how_many_more_rules_fired_than_it_lists():
    from cleaner.stats import TOP_RULES

    batch_stats = BatchStats()
    rules = tuple(f"dawn.rule-{n}" for n in range(TOP_RULES + 2))
    batch_stats.add(RecordSummary("dawn.com", 1000, 200, rules))
    summary = batch_stats.format(Cleaner())
    assert "and 2 more rule(s) (--stats FILE lists them all)" in summary
    summary = batch_stats.format(Cleaner(), "all in run.json")
    assert "and 2 more rule(s) (all in run.json)" in summary


def test_html_selector_hits_count_as_site_rule_hits(tmp_path, capsys):
    """A dawn.com page whose only site rule hits are its HTML `strip` selectors matched its
    rules: no 'did the layout change?' alarm."""
    page = GOLDEN / "dawn.com" / "html_layout.html"
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.html", "b.html"):
        (folder / name).write_bytes(page.read_bytes())
    stats_file = tmp_path / "stats.json"
    out = tmp_path / "out"
    assert main(["clean", "--stats", str(stats_file), "-o", str(out), str(folder)]) == 0
    stats = json.loads(stats_file.read_text())
    assert stats["sites"]["dawn.com"]["rules_fired"]["dawn.com.html.strip"] > 0
    assert stats["rule_health"]["sites_matching_no_rule"] == []
    assert "did the layout change" not in capsys.readouterr().err
    # The same when the strip selectors are the only dawn.com hits of the batch.
    batch_stats = BatchStats()
    for _ in range(2):
        batch_stats.add(RecordSummary("dawn.com", 1000, 200, ("dawn.com.html.strip",)))
    health = batch_stats.rule_health(Cleaner())
    assert health["sites_matching_no_rule"] == []
    assert "did the layout change" not in batch_stats.format(Cleaner())
    # A note rule keeps its line: its hits alone are no match of the site's layout.
    noted = BatchStats()
    for _ in range(HEALTH_MIN_DOCUMENTS):
        noted.add(RecordSummary("dawn.com", 1000, 0, ("dawn.closing-agency",)))
    assert noted.rule_health(Cleaner())["sites_matching_no_rule"] == ["dawn.com"]
    assert "dawn.com: no site rule removed a line" in noted.format(Cleaner())


def test_summary_names_unused_generic_rules_like_the_stats(tmp_path, capsys):
    """In a run of GENERIC_HEALTH_MIN_DOCUMENTS documents or more (below, see the next test)."""
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, _golden_records(GENERIC_HEALTH_MIN_DOCUMENTS))
    stats_file = tmp_path / "stats.json"
    assert main(["clean", "--format", "jsonl", "--stats", str(stats_file), str(source)]) == 0
    unused = json.loads(stats_file.read_text())["rule_health"]["unused_generic_rules"]
    assert len(unused) > 3
    line = next(
        line for line in capsys.readouterr().err.splitlines() if "generic rules never" in line
    )
    assert line == (
        f"  rule health: {len(unused)} generic rules never fired: {', '.join(unused[:3])}, ..."
    )


def test_a_few_documents_get_no_unused_rule_lists_in_the_summary(tmp_path, capsys):
    """Rules that did not fire on two pages say nothing of a site: the summary leaves the
    lists out below HEALTH_MIN_DOCUMENTS documents of a site, and the generic rules below
    GENERIC_HEALTH_MIN_DOCUMENTS in the run; --stats still has them."""
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, _golden_records(2))
    stats_file = tmp_path / "stats.json"
    assert main(["clean", "--format", "jsonl", "--stats", str(stats_file), str(source)]) == 0
    health = json.loads(stats_file.read_text())["rule_health"]
    assert health["unused_generic_rules"] and health["unused_site_rules"]
    assert "never fired" not in capsys.readouterr().err


def test_file_errors_are_counted_in_summary_and_stats(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    _write_jsonl(good, _golden_records(3))
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(b'{"text": "not gzip"}\n')
    missing = tmp_path / "missing.jsonl"
    stats_file = tmp_path / "stats.json"
    args = ["clean", "--format", "jsonl", "-j", "1", "--stats", str(stats_file)]
    assert main([*args, str(good), str(missing), str(fake)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3  # the good file's records all came out
    stats = json.loads(stats_file.read_text())
    assert stats["documents"] == 3
    assert stats["errors"] == 2 and stats["file_errors"] == 2
    assert stats["errors_by_code"] == {"bad_gzip": 1, "not_found": 1}
    assert "3 documents: 3 cleaned, 0 errors; 2 input files not read whole" in captured.err
    assert "errors: bad_gzip 1, not_found 1" in captured.err


def test_learn_repeats_goes_on_past_bad_files(tmp_path, capsys):
    """A missing file, a .jsonl.gz that is not gzip and a truncated one: one line each, and
    the repeats are learned from (and removed in) the good records."""
    good = tmp_path / "good.jsonl"
    _write_jsonl(good, _footer_records())
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(b'{"text": "plain"}\n')
    cut = tmp_path / "cut.jsonl.gz"
    _write_jsonl(cut, _golden_records(RECORDS))
    cut.write_bytes(cut.read_bytes()[:200])
    missing = tmp_path / "missing.jsonl"
    stats_file = tmp_path / "stats.json"
    args = ["clean", "--format", "jsonl", "--learn-repeats", "-j", "1", "--stats", str(stats_file)]
    assert main([*args, str(missing), str(fake), str(good), str(cut)]) == 1
    captured = capsys.readouterr()
    problems = [line for line in captured.err.splitlines() if line.startswith("cleaner: /")]
    assert [line.split(": ")[1] for line in problems] == [str(missing), str(fake), str(cut)]
    assert "Traceback" not in captured.err
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["id"] for r in out][: len(_footer_records())] == [r["id"] for r in _footer_records()]
    assert FOOTER not in out[3]["text"]
    stats = json.loads(stats_file.read_text())
    assert [r["text"] for r in stats["repeated_lines"]] == [FOOTER]
    assert stats["file_errors"] == 3


@pytest.mark.parametrize("target", ["stdout", "out.jsonl", "out.jsonl.gz"])
def test_fail_fast_writes_every_record_before_the_bad_one(tmp_path, capsys, target):
    """A bad line 201 in the fourth chunk of 64: the 200 records before it come out, then its
    error record, and one line says where the run stopped."""
    source = tmp_path / "in.jsonl"
    records = [
        {"id": i, "text": f"Head {i}\n\nA body paragraph long enough to be prose, {i}."}
        for i in range(300)
    ]
    lines = [json.dumps(r) for r in records]
    lines[200] = "{bad"
    source.write_text("\n".join(lines) + "\n")
    args = ["clean", "--format", "jsonl", "--fail-fast", "--no-language", "-j", "2", str(source)]
    if target != "stdout":
        args += ["-o", str(tmp_path / target)]
    assert main(args) == 1
    captured = capsys.readouterr()
    if target == "stdout":
        written = captured.out.splitlines()
    else:
        written = _read_jsonl(tmp_path / target)
        written = [json.dumps(r) for r in written]
    out = [json.loads(line) for line in written]
    assert [r.get("id") for r in out] == [*range(200), None]
    assert out[-1]["error"]["line"] == 201
    assert (
        f"cleaner: --fail-fast stopped the run at {source}:201: 201 outputs written whole; "
        "nothing after it was cleaned"
    ) in captured.err
    assert "201 documents: 200 cleaned, 1 error" in captured.err


def test_a_failing_record_with_its_own_error_field_is_an_error(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    _write_jsonl(
        source,
        [{"id": 1, "text": 42, "error": {"code": "old"}}, *_golden_records(1)],
    )
    assert main(["clean", "--format", "jsonl", "-j", "1", str(source)]) == 1
    captured = capsys.readouterr()
    first = json.loads(captured.out.splitlines()[0])
    assert first["error"]["code"] == "bad_type"
    assert f"cleaner: {source}:1: field 'text' must be a string, got int" in captured.err
    assert "2 documents: 1 cleaned, 1 error" in captured.err


@pytest.mark.parametrize("name", ["batch.jsonl", "batch.jsonl.gz"])
def test_the_progress_bar_on_a_terminal_shows_bytes_read_and_documents(
    tmp_path, capsys, monkeypatch, name
):
    """A run over files shows how much of them was read (so a single big file gets an
    estimate of the time left), and how many documents were cleaned."""
    from cleaner import progress

    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0)  # draw at every update
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    source = tmp_path / name
    _write_jsonl(source, _golden_records(RECORDS))
    out_dir = tmp_path / "out"
    assert main(["clean", "--format", "jsonl", "-j", "1", str(source), "-o", str(out_dir)]) == 0
    err = capsys.readouterr().err
    assert "100%" in err and f"{RECORDS} docs" in err, err


def test_the_progress_bar_counts_documents_when_the_input_has_no_size(capsys, monkeypatch):
    from cleaner import progress

    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    lines = "".join(json.dumps(r) + "\n" for r in _golden_records(RECORDS))
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(lines.encode("utf-8"))))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["clean", "--format", "jsonl", "-j", "1", "-"]) == 0
    err = capsys.readouterr().err
    assert f"{RECORDS} docs" in err and "%" not in err.split("documents:")[0], err


def test_a_cleaner_pickles_and_its_copy_cleans_alike(tmp_path):
    """A pipeline passes a Cleaner to worker processes (multiprocessing, Dask): the copy is
    built from the same arguments, rule folders included, and gives the same results."""
    import pickle

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.example.yaml").write_text(
        "site: x.example\nmatch: {domains: [x.example]}\nrules:\n"
        "  - {id: x.tag, kind: share, action: drop, description: d, exact: Tagged}\n",
        encoding="utf-8",
    )
    cleaner = Cleaner(str(rules), detect_language=False, time_budget=3.0)  # one folder
    copy = pickle.loads(pickle.dumps(cleaner))
    assert copy.time_budget == 3.0 and copy.language_detector is None
    text = "A headline here\n\nTagged\n\nA body paragraph that is long enough to be prose, really."
    assert (
        copy.clean(text, site="x.example").to_dict()
        == cleaner.clean(text, site="x.example").to_dict()
    )
    assert [r.rule for r in copy.clean(text, site="x.example").removed] == ["x.tag"]
    context = multiprocessing.get_context(batch.start_method())
    with context.Pool(1) as pool:
        assert pool.apply(_title_with, (cleaner, text)) == "A headline here"


def _title_with(cleaner: Cleaner, text: str) -> str:
    return cleaner.clean(text, site="x.example").title


class _Lowered(Cleaner):
    """A user's subclass: its own __init__, an attribute of its own, an override."""

    def __init__(self, tag: str) -> None:
        super().__init__(detect_language=False)
        self.tag = tag

    def clean(self, text, url=None, site=None):  # type: ignore[no-untyped-def]
        result = super().clean(text, url, site)
        result.title = f"{self.tag}: {result.title.lower()}"
        return result


def test_a_pickled_subclass_comes_back_as_itself():
    """A worker pool or copy.deepcopy once turned a subclass into a plain Cleaner, silently
    dropping the user's override and attributes."""
    import copy
    import pickle

    text = "A Headline Here\n\nA body paragraph that is long enough to be prose, really."
    cleaner = _Lowered("mine")
    for again in (pickle.loads(pickle.dumps(cleaner)), copy.deepcopy(cleaner)):
        assert type(again) is _Lowered and again.tag == "mine"
        assert again.clean(text).title == "mine: a headline here"
    context = multiprocessing.get_context(batch.start_method())
    with context.Pool(1) as pool:
        assert pool.apply(_plain_title, (cleaner, text)) == "mine: a headline here"


def _plain_title(cleaner: Cleaner, text: str) -> str:
    return cleaner.clean(text).title


def test_what_a_cleaner_builds_is_listed_for_pickling():
    """__reduce__ sends a subclass's own attributes and rebuilds the rest: each attribute
    __init__ sets must be listed in Cleaner._BUILT, or a copy would carry the rule files."""
    assert set(vars(Cleaner(detect_language=False))) == Cleaner._BUILT


def _clean_in_worker(text: str) -> CleanResult:
    return Cleaner(detect_language=False).clean(text)


def test_results_and_errors_cross_a_process_pool():
    """A pipeline's own pool returns results, and a bad document's CleanError with its code
    (pickled with both arguments: it once broke the pool instead)."""
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    error = pickle.loads(pickle.dumps(CleanError("empty", "input is empty")))
    assert (error.code, str(error)) == ("empty", "input is empty")
    rule_error = pickle.loads(pickle.dumps(RuleError("x.yaml", 3, "bad key", "see README")))
    assert str(rule_error) == "x.yaml:3: bad key (see README)"
    text = "A headline here\n\nShare this news\n\nA body paragraph that is long enough to be prose."
    context = multiprocessing.get_context(batch.start_method())
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        result = pool.submit(_clean_in_worker, text).result()
        assert result.to_dict() == Cleaner(detect_language=False).clean(text).to_dict()
        with pytest.raises(CleanError) as caught:
            pool.submit(_clean_in_worker, " ").result()
    assert caught.value.code == "empty"


def test_config_takes_rule_folders_as_a_list_or_one_folder(tmp_path):
    """A config is the workers' cache key: rule folders given as a list (as `Cleaner` takes
    them), a path or one name are the same config, and build the same Cleaner once."""
    (tmp_path / "example.com.yaml").write_text(
        "site: example.com\nrules:\n  - id: example.footer\n    kind: footer\n"
        "    action: drop\n    description: The footer.\n    exact: Example footer\n"
    )
    configs = [
        CleanerConfig(rules_dirs=[str(tmp_path)]),
        CleanerConfig(rules_dirs=(str(tmp_path),)),
        CleanerConfig(rules_dirs=tmp_path),
        CleanerConfig(rules_dirs=str(tmp_path)),
    ]
    assert all(config == configs[0] and hash(config) == hash(configs[0]) for config in configs)
    assert configs[0].rules_dirs == (str(tmp_path),)
    cleaner = cleaner_for(configs[0])
    assert all(cleaner_for(config) is cleaner for config in configs)
    assert "example.footer" in cleaner.rules_by_id
