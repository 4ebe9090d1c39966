"""Scrapy and Dask integrations: a real crawl on 127.0.0.1, a real two-process Dask cluster."""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dask
import dask.bag
import dask.distributed as distributed
import pytest
from itemadapter import ItemAdapter
from scrapy import Field, Item
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from cleaner import Cleaner
from cleaner.batch import CleanerConfig, clean_line, cleaner_for
from cleaner.golden import discover
from cleaner.integrations.dask import clean_bag, clean_jsonl
from cleaner.integrations.scrapy import CleanerPipeline

from conftest import GOLDEN

CRAWL_SCRIPT = Path(__file__).with_name("scrapy_crawl.py")
CRAWL_TIMEOUT = 180  # seconds; the crawl itself takes a few


def _seed_cases() -> list:
    return [
        c
        for c in discover(GOLDEN)
        if c.input_path.suffix == ".txt" and c.input_path.name[:3].isdigit() and not c.options()
    ]


def _pages() -> dict[str, bytes]:
    """A small news site built from the golden cases: an index and one page per case."""
    pages = {}
    links = []
    for i, case in enumerate(_seed_cases()):
        text = case.input_path.read_text(encoding="utf-8")
        pages[f"/article/{i}"] = (
            f'<html><head><meta name="site" content="{case.site}"><title>{i}</title></head>'
            f'<body><nav>Home | World</nav><pre id="article">{html.escape(text)}</pre>'
            "</body></html>"
        ).encode()
        links.append(f'<a class="article" href="/article/{i}">{i}</a>')
    pages["/article/empty"] = b'<html><body><pre id="article">   </pre></body></html>'
    links.append('<a class="article" href="/article/empty">empty</a>')
    pages["/"] = ("<html><body>" + "".join(links) + "</body></html>").encode()
    return pages


@pytest.fixture()
def news_site():
    """A local HTTP server on 127.0.0.1 serving `_pages()`; yields its base URL."""
    pages = _pages()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("on_error", ["drop", "flag"])
def test_scrapy_crawl_cleans_items(news_site, tmp_path, on_error):
    feed = tmp_path / "items.jsonl"
    done = subprocess.run(
        [sys.executable, str(CRAWL_SCRIPT), news_site, str(feed), on_error],
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    by_url = {item["url"].removeprefix(news_site): item for item in items}
    cases = _seed_cases()
    for i, case in enumerate(cases):
        item = by_url[f"article/{i}"]
        assert item["text"] == case.expected_text.read_text(encoding="utf-8"), case.id
        assert item["site"] == case.site and item["original_text"]
        assert isinstance(item["removed"], list) and item["removed"]
    if on_error == "drop":
        assert len(items) == len(cases) and "article/empty" not in by_url
        assert "cleaner: empty" in done.stderr  # Scrapy logs the dropped item with the reason
    else:
        assert len(items) == len(cases) + 1
        assert by_url["article/empty"]["error"]["code"] == "empty"
    assert f"'cleaner/documents': {len(cases)}" in done.stderr  # crawl stats


class ArticleItem(Item):
    """A declared item: the pipeline fills only the fields it declares."""

    url = Field()
    text = Field()
    title = Field()
    error = Field()


def _pipeline(**settings) -> CleanerPipeline:
    return CleanerPipeline.from_crawler(get_crawler(settings_dict=settings))


def test_scrapy_pipeline_with_declared_item_and_custom_field():
    case = _seed_cases()[0]
    pipeline = _pipeline(CLEANER_TEXT_FIELD="body", CLEANER_DETECT_LANGUAGE=False)
    item = pipeline.process_item({"body": case.input_path.read_text(encoding="utf-8")})
    # the result fields keep their meaning: `text` the cleaned article, `body` its paragraphs
    expected = case.expected_text.read_text(encoding="utf-8")
    assert item["text"] == expected
    assert item["body"] == expected.split("\n\n", 1)[1].rstrip("\n")
    assert item["site"] == case.site
    assert item["language"] == "en"  # detection off: the site's declared language

    pipeline = _pipeline()
    declared = ArticleItem(url="https://www.dawn.com/news/1", text=case.input_path.read_text())
    cleaned = pipeline.process_item(declared)
    assert set(ItemAdapter(cleaned).asdict()) == {"url", "text", "title"}
    assert cleaned["title"] == case.expected_text.read_text().splitlines()[0]


def test_scrapy_pipeline_drops_or_flags_bad_items():
    with pytest.raises(DropItem, match="missing_text"):
        _pipeline().process_item({"url": "https://example.com/"})
    flagged = _pipeline(CLEANER_ON_ERROR="flag").process_item(ArticleItem(text=""))
    assert flagged["error"]["code"] == "empty"

    class BareItem(Item):  # no `error` field: it cannot be flagged, so it is dropped
        text = Field()

    with pytest.raises(DropItem, match="needs an 'error' field on BareItem"):
        _pipeline(CLEANER_ON_ERROR="flag").process_item(BareItem(text="   "))


def test_scrapy_pipeline_a_mistyped_on_error_stops_the_crawl():
    """Not NotConfigured, which would switch the pipeline off and export raw items."""
    with pytest.raises(ValueError, match="CLEANER_ON_ERROR = 'flagged': must be one of"):
        _pipeline(CLEANER_ON_ERROR="flagged")


def test_scrapy_pipeline_speaks_in_settings_and_stats():
    with pytest.raises(
        DropItem, match=r"its longest string is 'body' \(CLEANER_TEXT_FIELD = 'body'\)"
    ):
        _pipeline().process_item({"url": "https://example.com/", "body": "An article. " * 15})
    crawler = get_crawler(settings_dict={"CLEANER_DETECT_LANGUAGE": False})
    crawler.stats = StatsCollector(crawler)
    pipeline = CleanerPipeline.from_crawler(crawler)
    case = _seed_cases()[0]
    paragraph = "The council approved the new transport plan on Tuesday after a long debate."
    page = f"<html><body><article><h1>Title</h1><p>{paragraph}</p></article></body></html>"
    item = pipeline.process_item({"url": "https://www.dawn.com/news/1", "html": page.encode()})
    assert item["html"] == page  # bytes from response.body come out as text, for the feed
    assert "original_fields" not in item  # the same page: its bytes are not kept aside
    json.dumps(dict(item))
    pipeline.process_item({"text": case.input_path.read_text(encoding="utf-8")})
    pipeline.close_spider()
    stats = crawler.stats.get_stats()
    fired = {key.split("/")[-1] for key in stats if key.startswith("cleaner/rules/")}
    assert fired and fired <= {r.rule for r in Cleaner().clean(case.input_path.read_text()).removed}
    assert stats[f"cleaner/rule_health/never_fired/{case.site}"]


def test_scrapy_pipeline_flagged_item_with_bytes_can_be_exported():
    """A flagged item goes on to the feed exporter: its bytes are text too, decoded when they
    are text, with `\\xNN` escapes when they are not (an image served as a page)."""
    item = _pipeline(CLEANER_ON_ERROR="flag").process_item(
        {"url": "https://example.com/a", "html": b"<html><body></body></html>"}
    )
    assert item["error"]["code"] == "no_article"
    assert item["html"] == "<html><body></body></html>"
    json.dumps(item)
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    flagged = _pipeline(CLEANER_ON_ERROR="flag").process_item({"html": image})
    assert flagged["error"]["code"] == "binary"
    assert flagged["html"] == image.decode("utf-8", errors="backslashreplace")
    assert flagged["html"].startswith("\\x89PNG\r\n")
    json.dumps(flagged)


def test_scrapy_pipeline_error_field_of_the_input_never_hides_the_outcome():
    stale = {"code": "fetch", "message": "an earlier step failed"}
    with pytest.raises(DropItem, match="empty"):  # failing now, whatever the item said before
        _pipeline().process_item({"text": "", "error": stale})
    case = _seed_cases()[0]
    cleaned = _pipeline().process_item({"text": case.input_path.read_text(), "error": stale})
    assert "error" not in cleaned  # cleaned: the stale error moves to original_fields
    assert cleaned["original_fields"] == {"error": stale}


def _cleaners_in_this_process(config: CleanerConfig) -> int:
    return cleaner_for.cache_info().currsize


def test_dask_local_cluster_equals_single_process(tmp_path):
    cases = _seed_cases()
    inputs = []
    for part in range(3):
        path = tmp_path / f"in-{part}.jsonl"
        records = [
            {"id": f"{part}-{i}", "text": cases[(part + i) % len(cases)].input_path.read_text()}
            for i in range(6)
        ]
        lines = [json.dumps(r, ensure_ascii=False) for r in records]
        if part == 1:
            lines.insert(2, "{broken")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        inputs.append(path)
    config = CleanerConfig(detect_language=True)
    expected = []
    for path in inputs:
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            expected.append(clean_line(config, line_no, line, str(path)).output)

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        written = clean_jsonl([str(p) for p in inputs], str(tmp_path / "out"), config)
        per_worker = client.run(_cleaners_in_this_process, config)
    assert len(per_worker) == 2 and set(per_worker.values()) <= {0, 1}  # one Cleaner a worker
    assert sum(per_worker.values()) >= 1
    assert [Path(p).name for p in written] == [f"part-0000{i}.jsonl" for i in range(3)]
    got = [line + "\n" for p in written for line in Path(p).read_text().splitlines()]
    assert got == expected
    error = json.loads(got[8])["error"]  # the broken line of the second file
    assert (error["line"], error["path"]) == (3, str(inputs[1]))


def test_dask_missing_and_empty_inputs_are_told_not_written_as_success(tmp_path):
    empty, missing = tmp_path / "empty.jsonl", tmp_path / "missing.jsonl"
    empty.write_text("\n")
    with dask.config.set(scheduler="sync"):
        with pytest.raises(FileNotFoundError, match="no input file matches"):
            clean_jsonl([str(tmp_path / "*.nothing")], str(tmp_path / "none"))
        written = clean_jsonl([str(empty), str(missing)], str(tmp_path / "out"))
    assert Path(written[0]).read_bytes() == b""  # as the CLI writes for a blank input
    assert json.loads(Path(written[1]).read_text()) == {
        "error": {
            "code": "not_found",
            "message": f"{missing}: no such file",
            "path": str(missing),
        }
    }


def test_dask_reads_a_folder_as_the_command_line_does(tmp_path):
    """A folder gives every file under it in sorted order, hidden ones left out (round-72
    pipeline probe: it was one 'unreadable' error part)."""
    record = {"id": 1, "text": _seed_cases()[0].input_path.read_text()}
    for name in ("b.jsonl", "a/c.jsonl", ".hidden/d.jsonl", ".e.jsonl"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text(json.dumps({**record, "name": name}) + "\n")
    with dask.config.set(scheduler="sync"):
        written = clean_jsonl(str(tmp_path / "in"), str(tmp_path / "out"))
    names = [json.loads(Path(path).read_text())["name"] for path in written]
    assert names == ["a/c.jsonl", "b.jsonl"]


def test_dask_bad_bytes_and_a_truncated_gzip_end_one_record_not_the_job(tmp_path):
    text = _seed_cases()[0].input_path.read_text()
    good = json.dumps({"id": 1, "text": text}).encode()
    plain = tmp_path / "a.jsonl"
    plain.write_bytes(good + b"\n" + b'{"id": 2, "text": "caf\xe9"}\n' + good + b"\n")
    packed = gzip.compress(good + b"\n" + good + b"\n" + good + b"\n")
    broken = tmp_path / "b.jsonl.gz"
    broken.write_bytes(packed[: len(packed) // 2])
    config = CleanerConfig(detect_language=False)
    with dask.config.set(scheduler="sync"):
        written = clean_jsonl([str(plain), str(broken)], str(tmp_path / "out"), config)
        bag = clean_bag(dask.bag.from_sequence([{"text": text}, "not a record"]), config)
        records = bag.compute()
    first = [json.loads(line) for line in Path(written[0]).read_text().splitlines()]
    assert len(first) == 3 and first[1]["error"]["code"] == "bad_record"
    assert "error" not in first[0] and "error" not in first[2]
    second = [json.loads(line) for line in Path(written[1]).read_text().splitlines()]
    assert second[-1]["error"]["code"] == "bad_gzip"
    assert "b.jsonl.gz: cannot read past line" in second[-1]["error"]["message"]
    assert all("error" not in record for record in second[:-1])
    assert "error" not in records[0] and records[1]["error"]["code"] == "bad_record"


def test_dask_blocksize_splits_a_file_and_error_records_name_it(tmp_path):
    """With `blocksize`, a file is cleaned in several partitions, in order; an error record
    cannot know its line in the file, but names the file."""
    text = _seed_cases()[0].input_path.read_text()
    records = [json.dumps({"id": i, "text": text}) for i in range(6)]
    records[3] = '{"id": 3}'  # no text
    source = tmp_path / "big.jsonl"
    source.write_text("\n".join(records) + "\n")
    config = CleanerConfig(detect_language=False)
    with dask.config.set(scheduler="sync"):
        written = clean_jsonl([str(source)], str(tmp_path / "out"), config, blocksize=4000)
    assert len(written) > 1
    got = [json.loads(line) for p in written for line in Path(p).read_text().splitlines()]
    assert [r["id"] for r in got] == list(range(6))
    assert got[3]["error"]["code"] == "missing_text" and got[3]["error"]["path"] == str(source)
    assert "line" not in got[3]["error"]
    assert all("error" not in r for i, r in enumerate(got) if i != 3)


def test_dask_blocksize_keeps_a_compressed_file_whole_and_the_input_order(tmp_path):
    """A `blocksize` splits plain files; a gzip file, which cannot be split, stays one
    partition; the output follows the inputs' order whatever their kind."""
    text = _seed_cases()[0].input_path.read_text()
    sources = []
    for n, name in enumerate(["a.jsonl", "b.jsonl.gz", "c.jsonl"]):
        lines = "".join(json.dumps({"id": f"{n}-{i}", "text": text}) + "\n" for i in range(3))
        source = tmp_path / name
        if name.endswith(".gz"):
            source.write_bytes(gzip.compress(lines.encode()))
        else:
            source.write_text(lines)
        sources.append(str(source))
    config = CleanerConfig(detect_language=False)
    with dask.config.set(scheduler="sync"):
        split = clean_jsonl(sources, str(tmp_path / "split"), config, blocksize=1000)
        whole = clean_jsonl(sources, str(tmp_path / "whole"), config)
    got = [json.loads(line) for p in split for line in Path(p).read_text().splitlines()]
    assert [r["id"] for r in got] == [f"{n}-{i}" for n in range(3) for i in range(3)]
    assert all("error" not in r for r in got)
    assert len(split) > len(whole) == 3
    joined = "".join(Path(p).read_text() for p in whole)
    assert "".join(Path(p).read_text() for p in split) == joined


def test_dask_blocksize_takes_an_empty_file_alone_or_after_a_compressed_one(tmp_path):
    """An empty plain file gives an empty part with a `blocksize` as without one (Dask finds
    no block in it, and once failed the whole job)."""
    text = _seed_cases()[0].input_path.read_text()
    empty = tmp_path / "d.jsonl"
    empty.write_bytes(b"")
    packed = tmp_path / "c.jsonl.gz"
    packed.write_bytes(gzip.compress((json.dumps({"id": 1, "text": text}) + "\n").encode()))
    config = CleanerConfig(detect_language=False)
    with dask.config.set(scheduler="sync"):
        alone = clean_jsonl([str(empty)], str(tmp_path / "alone"), config, blocksize="64MiB")
        both = clean_jsonl([str(packed), str(empty)], str(tmp_path / "both"), config, blocksize=64)
    assert [Path(p).read_text() for p in alone] == [""]
    parts = [Path(p).read_text() for p in both]
    assert len(parts) == 2 and parts[1] == "" and json.loads(parts[0])["id"] == 1


def test_scrapy_pipeline_stats_name_a_site_whose_rules_rarely_took_lines():
    crawler = get_crawler(settings_dict={"CLEANER_DETECT_LANGUAGE": False})
    crawler.stats = StatsCollector(crawler)
    pipeline = CleanerPipeline.from_crawler(crawler)
    seed = next(c for c in _seed_cases() if c.site == "dawn.com")
    plain = "A headline\n\nA plain paragraph of body text that no rule of any site knows."
    for _ in range(5):
        pipeline.process_item({"url": "https://www.dawn.com/news/1", "text": plain})
    pipeline.process_item(
        {"url": "https://www.dawn.com/news/2", "text": seed.input_path.read_text()}
    )
    pipeline.close_spider()
    assert crawler.stats.get_value("cleaner/rule_health/rarely_matching/dawn.com") == 1
