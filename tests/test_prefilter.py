"""The RE2 screen never hides a rule that matches: it only skips work."""

from __future__ import annotations

import pytest
import regex

from cleaner import prefilter
from cleaner.golden import discover
from cleaner.normalize import split_lines
from cleaner.prefilter import LineScreen, PatternSet, RegexScreen, re2_source

from conftest import GOLDEN


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^\w+ \d$", r"^[\p{L}\p{N}_]+ \p{Nd}$"),
        (r"[\w.-]+", r"[\p{L}\p{N}_.-]+"),
        (r"\bPhoto\b", "Photo"),  # a word boundary only narrows: dropped
        (r"^Read(?! more)", "^Read"),  # lookarounds only narrow: dropped
        (r"^(?<=x)a(?=(b|c))d", "^ad"),
        (r"\(x\)", r"\(x\)"),
        (r"[]a]", "[]a]"),
        (r"x\Z", r"x\z"),
        (r"^.{0,60}x", "^.*x"),  # counted repeats widen: RE2 spells them out state by state
        (r"[\w]{2,40}?y", r"[\p{L}\p{N}_]+y"),
        (r"\p{L}{3}", r"\p{L}+"),
        (r"x{", "x{"),
        (r"(a)\1", None),  # backreferences: not translatable, tried on every line
        (r"(?>a+)b", None),
        (r"[\W]", None),
    ],
)
def test_re2_source(pattern, expected):
    assert re2_source(pattern) == expected


def _all_lines() -> list[str]:
    lines = []
    for case in discover(GOLDEN):
        if case.input_path.suffix == ".txt":
            lines += [line.text for line in split_lines(case.input_path.read_text("utf-8"))]
    return lines + ["Türkiye", "Photo: Ümit Bektaş/Reuters", "Lire aussi : l'été", "20", "TT"]


def _pattern_set(cleaner) -> PatternSet:
    """The Cleaner's grouping: one set for the generic packs, one per site."""
    generic = [r for f in cleaner.rule_files.values() if f.is_generic for r in f.rules]
    sites = [list(f.rules) for f in cleaner.rule_files.values() if not f.is_generic]
    return PatternSet([generic, *sites])


@pytest.mark.parametrize("language", ["en", "fr", "es", "de", None])
def test_screen_finds_every_rule_that_matches(cleaner, language):
    """On every golden line, each rule whose regex matches is among the screen's candidates."""
    patterns = _pattern_set(cleaner)
    for rule_file in [None, *cleaner.sites.sites.values()]:
        rules = [r for r in cleaner.rules_for(rule_file, language) if r.is_line_rule or r.is_note]
        screen = LineScreen(rules, patterns)
        for text in _all_lines():
            found = screen.candidates(text)
            candidates = set(found.rules + found.notes)
            for rule in rules:
                folded = text.casefold() if rule.ignore_case else text
                if folded in rule.exact or any(p.search(text) for p in rule.patterns):
                    assert rule in candidates, (rule.id, text)


def test_pattern_set_names_structural_rules_too(cleaner):
    """Cut and boundary markers are screened by the same set (Doc.may_match)."""
    rules = [r for r in cleaner.rules_by_id.values() if r.patterns and not r.is_line_rule]
    assert rules, "no structural rule with a regex to check"
    patterns = _pattern_set(cleaner)
    for text in _all_lines() + ["Next story", "Up next", "Related articles", "Lire aussi"]:
        matching = patterns.matching(text)
        for rule in rules:
            if any(p.search(text) for p in rule.patterns):
                assert rule.id in matching, (rule.id, text)


def test_regex_screen_keeps_flags_and_never_misses():
    """Fingerprints are multi-line and may be case-insensitive; a pattern RE2 cannot take
    (a backreference) is reported as a possible match of every text."""
    patterns = [
        regex.compile(r"^TT\n\d{1,7}$", regex.MULTILINE),
        regex.compile(r"^short link:", regex.IGNORECASE | regex.MULTILINE),
        regex.compile(r"(\w+) \1"),
    ]
    screen = RegexScreen(patterns)
    assert screen.matching("Headline\nTT\n20\nBody.") == {0, 2}
    assert screen.matching("Body.\nSHORT LINK: x") == {1, 2}
    assert screen.matching("nothing here") == {2}


def test_patterns_past_one_sets_memory_budget_are_split_over_several_sets(monkeypatch):
    """More (or larger) rules than RE2's memory budget holds in one set still screen right:
    they go to several sets instead of failing every document."""
    monkeypatch.setattr(prefilter, "RE2_MAX_MEM", 8 << 20)  # RE2's default: 40 rules pass it
    heavy = r"^(?P<caption>[\w'’“”\"., -]{12,400}?)\s*\((?:Photo|Image)\w{0,9} {n}[\w/ ]{0,60}\)$"
    patterns = [regex.compile(heavy.replace("{n}", f"N{n}")) for n in range(40)]
    screen = RegexScreen(patterns)
    assert screen.set_count > 1
    assert not screen.always
    for n in (0, 17, 39):
        text = f"Soldiers patrol a village in the south, Dec. 11, 2024. (Photos N{n} Agency/X)"
        assert n in screen.matching(text)
        assert {i for i in range(40) if patterns[i].search(text)} <= screen.matching(text)
    assert not screen.matching("A paragraph of prose with no credit at all.")


def test_rule_answers_are_remembered_by_rule_and_text(monkeypatch):
    """A furniture line seen again is answered from memory: same result, no regex search;
    the memory stays within its bound."""
    from cleaner import Cleaner, actions

    cleaner = Cleaner(detect_language=False)
    page = "\n\n".join(
        [
            "Headline of the day",
            "The council approved the new budget on Monday after a long debate among members.",
            "Share this news",
            "The mayor said the vote showed that the city could still agree on its priorities.",
        ]
    )
    first = cleaner.clean(page)
    memo = cleaner._screens.patterns.matches
    assert ("generic.share-prompt", "Share this news") in memo
    searched: list[str] = []
    real_search = actions._search
    monkeypatch.setattr(actions, "_search", lambda *a: searched.append(a[2]) or real_search(*a))
    second = cleaner.clean(page)
    assert second.to_dict() == first.to_dict()
    assert "Share this news" not in searched  # answered from memory (seen in pure Python)
    monkeypatch.setattr(actions, "MATCHES_KEPT", 1)
    cleaner.clean(page.replace("Share this news", "Share this article"))
    assert len(memo) <= 1


def test_short_lines_are_screened_once_across_documents(cleaner, monkeypatch):
    """A short line (a site's furniture: it recurs from page to page) gets the same answer
    from memory as from the scan, and the memory stays within its bound."""
    patterns = _pattern_set(cleaner)
    rules = [r for r in cleaner.rules_for(None, "en") if r.is_line_rule or r.is_note]
    remembering, fresh = LineScreen(rules, patterns), LineScreen(rules, patterns)
    lines = _all_lines()
    short = [text for text in lines if len(text) <= prefilter.SHORT_LINE_CHARS]
    assert short, "no short golden line to check"
    monkeypatch.setattr(prefilter, "SHORT_LINES_KEPT", len(short) + 1)  # all of them
    for text in lines + lines:  # the second time round, short lines come from memory
        assert remembering.candidates(text) == fresh._candidates(text), text
    assert set(short) <= set(remembering._short)
    monkeypatch.setattr(prefilter, "SHORT_LINES_KEPT", 3)
    bounded = LineScreen(rules, patterns)
    for text in short[:20]:
        bounded.candidates(text)
    assert len(bounded._short) <= 3


def test_neighbour_answers_are_remembered_by_pattern_and_text(monkeypatch):
    """A rule's `followed_by` on a line seen again is answered from memory, with the same
    result; the memory stays within its bound."""
    from cleaner import Cleaner, actions

    cleaner = Cleaner(detect_language=False)
    seed = next(c for c in discover(GOLDEN) if c.input_path.name.startswith("000_"))
    text = seed.input_path.read_text(encoding="utf-8")
    first = cleaner.clean(text, site="dawn.com")
    memo = cleaner._screens.patterns.neighbours
    assert memo and all(isinstance(found, bool) for found in memo.values())
    assert cleaner.clean(text, site="dawn.com").to_dict() == first.to_dict()
    monkeypatch.setattr(actions, "MATCHES_KEPT", 1)
    others = [c for c in discover(GOLDEN) if c.site == "dawn.com" and c.input_path.suffix == ".txt"]
    for case in others[:5]:
        cleaner.clean(case.input_path.read_text(encoding="utf-8"), site="dawn.com")
    assert len(memo) <= 1
