"""`cleaner rules suggest`: drafts from generated pages of one site clean an unseen page."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.rules import load_rule_files
from cleaner.suggest import (
    apply_draft,
    draft_rules,
    find_candidates,
    mask,
    report_text,
    shape_regex,
)

SITE = "presstv.ir"
SAMPLES = 10
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PLACES = ("Tehran", "Baghdad", "Beirut", "Damascus", "Sanaa", "Muscat", "Doha", "Kabul")
PEOPLE = ("the foreign minister", "a senior official", "the spokesman", "the envoy", "the mayor")
VERBS = ("said", "told reporters", "announced", "warned", "stressed", "confirmed")
TOPICS = (
    "talks on the nuclear programme would resume next week",
    "the border crossing would reopen to trucks carrying food",
    "a new agreement on energy exports had been signed",
    "the sanctions were hurting patients in need of medicine",
    "the delegation would travel to the capital for further meetings",
    "the ceasefire had largely held despite several violations",
    "the price of bread would be frozen until the end of the year",
    "more than 300 families had returned to their homes",
)
SUBJECTS = ("Officials in {place}", "{place} talks", "Doctors", "Envoys", "The cabinet", "Farmers")
PREDICATES = ("warn of", "agree on", "call for", "reject", "welcome", "debate")
OBJECTS = ("bread shortages", "a new energy deal", "aid convoys", "tighter sanctions", "elections")


def page(seed: int) -> tuple[str, str]:
    """One generated page in presstv.ir's layout, and the article it should clean to.

    The layout is the seed's: headline, "(last modified ...)" stamp, a UTC time line, the
    bulleted headline copy, the paragraphs, then a site footer. Dates, places and wording vary.
    """
    rng = random.Random(seed)
    place = rng.choice(PLACES)
    headline = " ".join(
        (rng.choice(SUBJECTS).format(place=place), rng.choice(PREDICATES), rng.choice(OBJECTS))
    )
    day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.choice((2023, 2024))
    hour, minute, second = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    body = []
    for n in range(rng.randint(4, 7)):
        person, verb, topic = rng.choice(PEOPLE), rng.choice(VERBS), rng.choice(TOPICS)
        body.append(
            f"In {place}, {person} {verb} on day {seed * 10 + n} of the visit that {topic}."
        )
    furniture_head = [
        f"(last modified {rng.choice(WEEKDAYS)}, {day:02d} {month} {year} "
        f"{hour:02d}:{minute:02d}:{second:02d} GMT )",
        f"{month} {day:02d}, {year} {hour:02d}:{minute:02d} UTC",
        f"  • {headline}",
    ]
    footer = [
        "Press TV’s website can also be accessed at the following alternate addresses:",
        "www.presstv.ir",
        "www.presstv.co.uk",
    ]
    text = "\n".join([headline, *furniture_head, "", "\n\n".join(body), "", *footer]) + "\n"
    return text, "\n\n".join([headline, *body]) + "\n"


@pytest.fixture(scope="module")
def samples() -> list[str]:
    return [page(seed)[0] for seed in range(SAMPLES)]


def test_mask_and_shape_regex_cover_variants():
    shape = mask("(last modified Fri, 09 Feb 2024 09:21:09 GMT )")
    assert shape == "(last modified <WDAY>, <NUM> <MONTH> <NUM> <NUM>:<NUM>:<NUM> <NAME> )"
    import re

    assert re.match(shape_regex(shape), "(last modified Sun, 17 Jun 2025 23:01:00 GMT )")
    assert not re.match(shape_regex(shape), "(last modified by the editor )")


def test_candidates_count_documents_not_occurrences():
    docs = ["Headline\nFooter line\nFooter line\nFooter line", "Other\nBody text here."]
    assert find_candidates(docs, min_support=2) == []


def test_draft_from_variants_cleans_an_unseen_variant(samples, tmp_path):
    draft = apply_draft(draft_rules(SITE, samples), samples)
    shapes = [c.shape for c in draft.candidates]
    assert any(s.startswith("(last modified <WDAY>") for s in shapes)
    assert "www.presstv.co.uk" in shapes
    assert not any("•" in s for s in shapes)  # headline copies vary: the detector's job
    assert all(c.support >= 3 for c in draft.candidates)
    assert draft.prose_removals == []
    assert "# support: 10/10 documents" in draft.yaml_text
    # The draft stands in for the site's own rule file; the unseen page cleans correctly.
    (tmp_path / f"{SITE}.yaml").write_text(draft.yaml_text, encoding="utf-8")
    load_rule_files([tmp_path])  # the strict loader accepts it
    unseen, expected = page(1234)
    with_draft = Cleaner([tmp_path]).clean(unseen, site=SITE)
    assert with_draft.text == expected
    assert {r.rule for r in with_draft.removed} & {
        f"{SITE}.recurring-{n}" for n in range(1, len(draft.candidates) + 1)
    }
    # Recognized without a hint, by the drafted fingerprints.
    assert Cleaner([tmp_path]).clean(unseen).site == SITE


def test_cli_writes_draft_and_refuses_to_overwrite(samples, tmp_path, capsys):
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, text in enumerate(samples):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    assert main(["rules", "suggest", SITE, str(folder), "--output", str(out)]) == 0
    report = capsys.readouterr().out
    assert "would remove" in report and f"wrote {out}" in report
    first = out.read_text(encoding="utf-8")
    assert main(["rules", "suggest", SITE, str(folder), "--output", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == first
    assert main(["rules", "suggest", SITE, str(folder), "-o", str(out), "--force"]) == 0


def test_cli_reads_jsonl_samples(samples, tmp_path):
    import json

    path = tmp_path / "pages.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in samples), encoding="utf-8")
    assert main(["rules", "suggest", SITE, str(path), "-o", str(tmp_path) + "/"]) == 0
    assert Path(tmp_path / f"{SITE}.yaml").exists()


def test_a_mixed_crawl_gives_the_sites_records_and_html_as_extracted_text(samples, tmp_path):
    """Records of other sites (by their url) are left out; a record or a file holding HTML
    gives its extracted text, not its markup."""
    import json

    from cleaner.commands.rules_suggest import read_samples

    body = "".join(f"<p>{line}</p>" for line in samples[0].splitlines() if line.strip())
    html = f"<html><body><nav><a href='/'>Home</a></nav><article>{body}</article></body></html>"
    records = [{"url": f"https://www.{SITE}/Detail/{n}", "text": t} for n, t in enumerate(samples)]
    records += [{"url": "https://other.example/a/1", "text": samples[1]}, {"html": html}]
    path = tmp_path / "crawl.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    texts, problems, elsewhere = read_samples(
        [str(path), str(tmp_path / "page.html")], "text", SITE
    )
    assert problems == [] and elsewhere == 1
    assert texts[: len(samples)] == samples and len(texts) == len(samples) + 2
    longest = max(samples[0].splitlines(), key=len)
    for extracted in texts[len(samples) :]:
        assert "<" not in extracted and longest in extracted


def test_a_drafted_fingerprint_matches_any_number(samples):
    """A fingerprint drafted from "© 2025 ..." still recognizes the site next year."""
    from cleaner.suggest import _any_number

    assert _any_number(r"^© 2025 Harbour Times \| page 3$") == r"^© \d+ Harbour Times \| page \d+$"


def test_samples_of_a_folder_include_every_file_and_report_what_is_not_text(tmp_path):
    from cleaner.commands.rules_suggest import read_samples

    (tmp_path / "page1").write_text("A headline\n\nSome text of the first page.\n")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    texts, problems, _ = read_samples([str(tmp_path)], "text")
    assert texts == ["A headline\n\nSome text of the first page.\n"]
    assert len(problems) == 1 and problems[0].startswith(str(tmp_path / "photo.png"))


def short_page(n: int) -> str:
    """A short page: a dated byline above the prose, a stamp and a copyright line below it,
    and one sentence of prose that every sample page happens to share."""
    return (
        f"Harbour story number {n} about council business\n\n"
        f"By Reporter{n} Name | {n} March 2024\n"
        f"The council met on day {n} to discuss the ferries, the fish market and the quay.\n"
        "Residents who spoke at the meeting raised concerns about the cost of parking.\n"
        f"Last modified Fri, 0{n} Feb 2024 09:21:0{n} GMT\n"
        "© 2024 Harbour Times\n"
    )


def test_a_draft_of_short_pages_removes_its_lines_from_the_sample_with_their_zones():
    """Zones are the ones a rule reads (head: above the first prose), so each drafted rule
    removes its lines from the pages it came from; a dated byline is a byline; a shared
    sentence of prose is drafted with a warning, never made a fingerprint."""
    pages = [short_page(n) for n in range(1, 6)]
    draft = apply_draft(draft_rules("harbour.example", pages), pages)
    by_example = {c.examples[0].split(" ")[0]: c for c in draft.candidates}
    assert (by_example["By"].kind, by_example["By"].zone) == ("byline", "head")
    assert by_example["Last"].zone == by_example["©"].zone == "tail"
    assert all(draft.removals[f"harbour.example.recurring-{n}"] == 5 for n in range(1, 5))
    assert draft.prose_removals and "raised concerns" in draft.prose_removals[0]
    assert "fp.recurring" in draft.yaml_text and "regex: '^Residents" not in draft.yaml_text


def test_a_headline_listed_under_other_pages_is_never_drafted():
    """A "More stories" list repeats the site's headlines on its other pages: a rule for one
    would remove that page's own headline. A drafted shape that still takes a sample page's
    headline is reported."""
    titles = [f"Harbour council votes on plan number {n} for the ferry" for n in range(5)]
    body = "The council met on Monday evening and discussed the plan for two hours."
    more = "\n".join(["More stories", titles[0], titles[1]])
    pages = [f"{title}\n{body}\n{more}" for title in titles]
    draft = apply_draft(draft_rules("harbour.example", pages), pages)
    assert all(title not in draft.yaml_text for title in titles[:2])
    assert "More stories" in draft.yaml_text
    assert draft.headline_removals == []
    pages.append("More stories\nThe page whose first line is furniture.\nMore stories")
    draft = apply_draft(draft, pages)
    assert draft.headline_removals == ["More stories"]
    assert "removes a sample page's headline: More stories" in report_text(draft)
