"""Every rule action and option, from the data cases in tests/cases/rule_cases.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cleaner import Cleaner

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "rule_cases.yaml").read_text("utf-8"))
SITE = "test.example"


def _cleaner_with(rule: dict, tmp_path: Path) -> Cleaner:
    site_file = {"site": SITE, "match": {"domains": [SITE]}, "rules": [rule]}
    (tmp_path / f"{SITE}.yaml").write_text(yaml.safe_dump(site_file), encoding="utf-8")
    return Cleaner([tmp_path], builtin_rules=False, detect_language=False)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case, tmp_path):
    result = _cleaner_with(case["rule"], tmp_path).clean(case["text"], site=SITE)
    assert [r.text for r in result.removed] == case["removed"]
    assert all(r.rule == case["rule"]["id"] for r in result.removed)
    for line in case.get("kept", []):
        assert line in [result.title, *result.paragraphs]
    expected_meta = case.get("metadata", {})
    actual_meta = result.metadata.to_dict()
    for field, value in expected_meta.items():
        assert actual_meta[field] == value, field


def test_every_action_has_a_case():
    from cleaner.actions import ACTIONS

    covered = {c["rule"]["action"] for c in CASES} | {"detect"}  # detectors: test_detectors.py
    assert covered == set(ACTIONS)


def test_remembered_answers_still_respect_zones_and_neighbours(tmp_path):
    """A rule's answer for a line text is remembered across documents (MatchCache); its zone
    and neighbours are still checked for each occurrence."""
    rule = {
        "id": "t.label",
        "kind": "label",
        "action": "drop",
        "description": "A label under the headline.",
        "regex": "^Label$",
        "zone": "head",
        "followed_by": "^Body",
    }
    cleaner = _cleaner_with(rule, tmp_path)
    body = "Body text that is long enough to read like a sentence of prose here."
    tail = [
        f"Paragraph {i} is also long enough to read like a sentence of prose." for i in range(9)
    ]
    text = "\n".join(["Headline", "Label", body, *tail, "Label", body, "Label", "Closing words."])
    for _ in range(3):  # the second and third runs answer from the cache
        result = cleaner.clean(text, site=SITE)
        assert [r.line for r in result.removed] == [2]


def test_match_cache_is_bounded():
    from cleaner.text import MatchCache

    cache = MatchCache(size=2)
    cache.put("r", "a", {})
    cache.put("r", "b", None)
    assert cache.get("r", "a") == (True, {}) and cache.get("r", "b") == (True, None)
    cache.put("r", "c", {"x": "1"})  # full: emptied first
    assert cache.get("r", "a") == (False, None)
    assert cache.get("r", "c") == (True, {"x": "1"})
