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
    assert [n.text for n in result.noted] == case.get("noted", [])
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
