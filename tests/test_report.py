"""The HTML review report: its content, the `cleaner report` command, and a real browser."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.golden import discover, run_case
from cleaner.report import ReportDocument, build_report, site_stats
from cleaner.stats import HEALTH_MIN_DOCUMENTS

from conftest import GOLDEN

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1366,900",
)
# Where the browser test leaves its screenshot (CI can keep this folder as an artifact).
ARTIFACTS_ENV = "CLEANER_ARTIFACTS"


def _fields(**overrides):
    base = {
        "text": "Headline\n\nA body paragraph that is long enough to be prose.\n",
        "title": "Headline",
        "paragraphs": ["A body paragraph that is long enough to be prose."],
        "site": "example.com",
        "site_source": "url",
        "language": "en",
        "metadata": {"published": "2024-01-05", "authors": [], "captions": []},
        "removed": [],
        "warnings": [],
    }
    return {**base, **overrides}


def test_removed_lines_are_struck_and_tagged(cleaner):
    original = 'Headline\n<b>Share</b> & "more"\nA body paragraph that is long enough.\n'
    removed = [{"line": 2, "text": '<b>Share</b> & "more"', "rule": "generic.share-prompt",
                "kind": "share", "captured": {"agency": "<AFP>"}}]  # fmt: skip
    doc = ReportDocument("a.txt", original, _fields(removed=removed))
    html = build_report([doc], cleaner.rules_by_id)
    row = re.search(r'<div class="ln rm" data-rule="generic.share-prompt">.*?</div>', html)
    assert row, "the removed line is marked with its rule"
    assert "<del" in row.group(0) and "&lt;b&gt;Share&lt;/b&gt; &amp; &quot;more&quot;" in row[0]
    assert "generic.share-prompt · share" in row.group(0)
    description = cleaner.rules_by_id["generic.share-prompt"].description
    assert f'title="{description.replace(chr(34), "&quot;")}' in row.group(0)
    assert "captured agency: &lt;AFP&gt;" in row.group(0)
    assert "<b>Share</b>" not in html and "<AFP>" not in html
    # Kept lines are shown plain, with their input line numbers.
    assert '<div class="ln"><span class="no">1</span><span>Headline</span></div>' in html


def test_noted_metadata_is_shown_with_its_rule(cleaner):
    noted = [{"line": 3, "text": "DHAKA, Jan 5 (UNB): ...", "rule": "en.wire-dateline",
              "kind": "dateline", "captured": {"agency": "<UNB>"}}]  # fmt: skip
    html = build_report([ReportDocument("a.txt", "x", _fields(noted=noted))], cleaner.rules_by_id)
    assert "noted in the text" in html
    assert "line 3, en.wire-dateline: agency = &lt;UNB&gt;" in html


def test_report_is_self_contained(cleaner):
    doc = ReportDocument("a.txt", "Headline\nBody text here.\n", _fields())
    html = build_report([doc], cleaner.rules_by_id)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for pattern in (
        r"\bsrc=",
        r"\bhref=",
        r"@import",
        r"url\(",
        r"https?://(?!www\.w3\.org/2000/svg)",
    ):
        assert not re.search(pattern, html), pattern
    assert "@media print" in html
    assert html.count("<script>") == 1


def test_summary_counts_sites_warnings_and_errors(cleaner):
    removed = [{"line": 2, "text": "one two", "rule": "generic.counter", "kind": "counter"}]
    docs = [
        ReportDocument(
            "a.txt",
            "Headline here\none two\nsix words of body text here\n",
            _fields(removed=removed),
        ),
        ReportDocument(
            "b.txt",
            "x",
            _fields(
                site=None,
                warnings=[{"code": "unknown_site", "message": "no rule file for site 'x'"}],
            ),
        ),
        ReportDocument("c.txt", None, None, "input is empty"),
    ]
    stats = {s.site: s for s in site_stats(docs)}
    assert set(stats) == {"example.com", "(generic)", "(error)"}
    assert stats["example.com"].removed_words == 2
    assert stats["example.com"].input_words == 10
    assert stats["example.com"].rule_hits == (("generic.counter", "counter", 1),)
    assert stats["(generic)"].warnings == 1 and stats["(error)"].errors == 1
    html = build_report(docs, cleaner.rules_by_id)
    assert "<b>3</b> document(s)" in html and "<b>1</b> error(s)" in html
    assert '<p class="error">input is empty</p>' in html
    assert 'data-warnings="unknown_site"' in html and 'data-error="1"' in html
    assert "<svg" in html and "generic.counter" in html.split("<svg", 1)[1].split("</svg>")[0]


def _golden_removals(cleaner):
    """(case input path, removals) for every text golden case, from a fresh cleaning run."""
    return [
        (str(case.input_path), run_case(cleaner, case).removed)
        for case in discover(GOLDEN)
        if case.input_path.suffix == ".txt"
    ]


def test_report_command_on_golden_folder(tmp_path, cleaner):
    out = tmp_path / "report.html"
    assert main(["report", str(GOLDEN), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    sections = re.findall(r'<section id="doc-\d+".*?</section>', html, re.S)
    assert len(sections) == len(discover(GOLDEN)), "one section per case; expected files skipped"
    names = [re.search(r"<h2>([^<]*)</h2>", s).group(1) for s in sections]
    assert not [
        n for n in names if n.endswith((".expected.txt", ".expected.json", ".options.json"))
    ]
    for path, removed in _golden_removals(cleaner):
        section = next(s for s in sections if f"<h2>{path}</h2>" in s)
        tagged = Counter(re.findall(r'<div class="ln rm" data-rule="([^"]+)">', section))
        assert tagged == Counter(r.rule for r in removed), path


def test_report_command_on_jsonl_recleans_original_text(tmp_path, capsys):
    article = "A headline for the record\n\nFirst paragraph of the article, long enough to count.\n"
    records = tmp_path / "batch.jsonl"
    lines = [
        {"url": "https://www.dawn.com/news/1", "text": "already cleaned",
         "original_text": article + "\nSource link\n", "error": {"code": "x", "message": "old"}},
        "not json",
        {"url": "https://example.org/2"},
    ]  # fmt: skip
    records.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    assert main(["report", str(records), "-o", str(out), "--no-language"]) == 1
    html = out.read_text(encoding="utf-8")
    assert f"{records}:1 https://www.dawn.com/news/1" in html
    assert 'data-site="dawn.com"' in html
    assert re.search(r'data-rule="generic.source-link"><span class="no">5</span>', html)
    assert "invalid JSON" in html and "record has neither" in html
    err = capsys.readouterr().err
    assert "3 document(s)" in err and "2 error(s)" in err


def test_report_command_bad_output_path(tmp_path, capsys):
    sample = tmp_path / "a.txt"
    sample.write_text("Headline\n\nBody text of the article goes here.\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["report", str(sample), "-o", str(blocker / "r.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("cleaner: cannot write")


def test_report_into_a_folder_is_report_html_in_it(tmp_path, capsys):
    """`-o reports/` (a new folder) and `-o reports` once it exists write reports/report.html;
    no file is ever named after the folder."""
    sample = tmp_path / "a.txt"
    sample.write_text("Headline\n\nBody text of the article goes here.\n", encoding="utf-8")
    folder = tmp_path / "reports"
    for output in (f"{folder}/", str(folder)):
        assert main(["report", str(sample), "-o", output, "--no-language"]) == 0
        assert [p.name for p in folder.iterdir()] == ["report.html"]
        assert capsys.readouterr().err.startswith(f"{folder / 'report.html'}: 1 document(s)")
    assert "Body text of the article" in (folder / "report.html").read_text(encoding="utf-8")


# --- a real browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "Debian's chromium and chromium-driver are needed (.ci/run installs them)"
    )
    profile = tempfile.mkdtemp(prefix="cleaner-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_report_in_browser(browser, tmp_path, cleaner):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    out = tmp_path / "report.html"
    assert main(["report", str(GOLDEN), "-o", str(out)]) == 0
    browser.get(out.resolve().as_uri())
    docs = browser.find_elements(By.CSS_SELECTOR, "section.doc")
    assert len(docs) == len(discover(GOLDEN))

    # Removed lines are struck through and tagged with their rule id, as the cleaner decided.
    expected = {path: removed for path, removed in _golden_removals(cleaner) if removed}
    assert expected, "some golden case removes lines"
    by_name = {d.find_element(By.TAG_NAME, "h2").text: d for d in docs}
    for path, removed in expected.items():
        rows = by_name[path].find_elements(By.CSS_SELECTOR, ".ln.rm")
        assert [r.get_attribute("data-rule") for r in rows] == [r.rule for r in removed]
        for row, removal in zip(rows, removed, strict=True):
            struck = row.find_element(By.TAG_NAME, "del")
            assert "line-through" in struck.value_of_css_property("text-decoration-line")
            assert struck.text == removal.text
            tag = row.find_element(By.CSS_SELECTOR, ".tag").text
            assert tag.startswith(removal.rule) and removal.kind in tag

    # The site filter hides every other site's documents.
    site = next(iter(expected))
    site_name = next(s for s in by_name[site].get_attribute("data-site").split())
    Select(browser.find_element(By.ID, "f-site")).select_by_value(site_name)
    shown = [d for d in docs if d.is_displayed()]
    assert shown and all(d.get_attribute("data-site") == site_name for d in shown)
    hidden = [d for d in docs if not d.is_displayed()]
    assert hidden and all(d.get_attribute("data-site") != site_name for d in hidden)
    count = browser.find_element(By.ID, "f-count").text
    assert count == f"{len(shown)} of {len(docs)} documents shown"

    # The rule filter keeps only documents where that rule fired.
    browser.find_element(By.ID, "f-reset").click()
    rule = expected[site][0].rule
    Select(browser.find_element(By.ID, "f-rule")).select_by_value(rule)
    for doc in docs:
        assert doc.is_displayed() == (rule in doc.get_attribute("data-rules").split())
    browser.find_element(By.ID, "f-reset").click()
    assert all(d.is_displayed() for d in docs)

    artifacts = Path(os.environ.get(ARTIFACTS_ENV) or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    browser.execute_script("arguments[0].scrollIntoView()", by_name[site])
    shot = artifacts / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert browser.get_log("browser") == [], "no console errors (e.g. blocked requests)"


def test_report_command_reads_every_file_of_a_folder(tmp_path):
    """A file without a known suffix is read as text, as `cleaner clean` reads it."""
    folder = tmp_path / "scraped"
    folder.mkdir()
    article = "A headline for the record\n\nFirst paragraph of the article, long enough to count.\n"
    (folder / "article1").write_text(article)
    (folder / "article2.TXT").write_text(article)
    (folder / ".hidden").write_text(article)
    out = tmp_path / "report.html"
    assert main(["report", str(folder), "-o", str(out)]) == 0
    sections = re.findall(r'<section id="doc-\d+".*?</section>', out.read_text(), re.S)
    names = [re.search(r"<h2>([^<]*)</h2>", s).group(1) for s in sections]
    assert [Path(n).name for n in names] == ["article1", "article2.TXT"]


def test_report_command_keeps_the_records_before_a_damaged_gzip(tmp_path, capsys):
    article = "A headline for the record\n\nFirst paragraph of the article, long enough to count.\n"
    whole = gzip.compress((json.dumps({"text": article}) + "\n").encode() * 3)
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) - 12])
    (tmp_path / "plain.jsonl.gz").write_bytes(b"not gzip\n")
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "cut.jsonl.gz"), str(tmp_path / "plain.jsonl.gz"),
                 "-o", str(out), "--no-language"]) == 1  # fmt: skip
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "cannot read past this point" in line] == [
        f"cleaner: {tmp_path / 'cut.jsonl.gz'}: cannot read past this point: Compressed file "
        "ended before the end-of-stream marker was reached",
        f"cleaner: {tmp_path / 'plain.jsonl.gz'}: cannot read past this point: Not a gzipped "
        "file (b'no')",
    ]
    # The record read before the cut, and one error for each file.
    assert "3 document(s)" in err[-1] and "2 error(s)" in err[-1]
    assert out.read_text().count('<section id="doc-') == 3


def test_report_command_leaves_out_a_folders_images_as_clean_does(tmp_path, capsys):
    folder = tmp_path / "scraped"
    folder.mkdir()
    (folder / "a.txt").write_text("A headline\n\nFirst paragraph of the article, long enough.\n")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    out = tmp_path / "r.html"
    assert main(["report", str(folder), "-o", str(out), "--no-language"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "cleaner: left out 1 file(s) of the input folders that are not text (images, "
        f"archives): {folder / 'photo.png'}"
    )
    assert f"cleaner: {folder / 'gone.txt'}: a broken symbolic link" in err
    assert "2 document(s)" in err[-1] and "1 error(s)" in err[-1]


def test_report_command_takes_a_file_name_that_is_not_utf8(tmp_path, capsys):
    """A name from an old archive ("caf\xe9.txt" in Latin-1) is shown escaped, as the CLI's
    messages show it; it used to end the report with a traceback."""
    folder = tmp_path / "scraped"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (folder / name).write_text("A headline\n\nFirst paragraph of the article, long enough.\n")
    out = tmp_path / "r.html"
    assert main(["report", str(folder), "-o", str(out), "--no-language"]) == 0
    assert "caf\\udce9.txt" in out.read_text(encoding="utf-8")


def test_report_shows_rule_health_as_the_stats_do(tmp_path, capsys):
    """A site whose pages have lost their furniture (the expected texts, cleaned again) is
    named in the report's rule health and on standard error, as `clean --stats` names it."""
    cases = [c for c in discover(GOLDEN) if c.site == "dawn.com" and c.expected_text.exists()]
    records = tmp_path / "batch.jsonl"
    records.write_text(
        "".join(
            json.dumps({"url": "https://www.dawn.com/news/1", "text": c.expected_text.read_text()})
            + "\n"
            for c in cases[:HEALTH_MIN_DOCUMENTS]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    assert main(["report", str(records), "-o", str(out), "--no-language"]) == 0
    html = out.read_text(encoding="utf-8")
    health = html.split("<h2>Rule health</h2>", 1)[1].split("<h2>", 1)[0]
    assert "<b>dawn.com</b>: no site rule removed a line" in health
    assert re.search(r'<span title="[^"<>]+">dawn\.caption</span>', health)  # never fired
    assert "rule health: dawn.com: no site rule removed a line" in capsys.readouterr().err
