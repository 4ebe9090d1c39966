"""One generic test over every golden case in golden/<site>/ (ids read site/case)."""

from __future__ import annotations

import pytest

from cleaner.golden import check_case, discover, dump_json, orphans, summary

from conftest import GOLDEN

CASES = discover(GOLDEN)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case, cleaner, request):
    outcome = check_case(cleaner, case)
    if not outcome.problems:
        return
    if request.config.getoption("--update-golden"):
        case.expected_text.write_text(outcome.result.text, encoding="utf-8")
        case.expected_json.write_text(dump_json(summary(outcome.result)), encoding="utf-8")
        pytest.fail(
            "updated golden files; review the diff and re-run:\n" + "\n".join(outcome.problems)
        )
    pytest.fail("\n".join(outcome.problems), pytrace=False)


def test_golden_cases_exist():
    assert CASES, f"no golden cases found under {GOLDEN}"


def test_no_orphaned_expected_files():
    assert orphans(GOLDEN) == [], "expected files without an input file"


def test_every_site_has_a_case(cleaner):
    sites = {c.site for c in CASES}
    missing = sorted(s for s in cleaner.sites.sites if s not in sites)
    assert missing == [], f"rule files without a golden case: {missing}"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.input_path.name[:3].isdigit()], ids=lambda c: c.id
)
def test_seed_recognized_without_hint(case, cleaner):
    """Each seed is recognized from its text alone, without --site or --url."""
    result = check_case(cleaner, case).result
    assert result.site == case.site
    assert result.site_source == "fingerprint"
