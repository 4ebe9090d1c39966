"""Strict validation of rule files: each problem names the file, the line and the fix."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError
from cleaner.rules import _RULE_KEYS, parse_rule_file

GOOD_RULE = """\
  - id: x.rule
    kind: share
    action: drop
    description: d
    exact: Share
"""


def _parse(body: str, name: str = "x.com.yaml"):
    return parse_rule_file(textwrap.dedent(body), f"rules/{name}")


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("site: x.com\nrulez: []\n", "unknown key 'rulez' in the rule file", 1),
        ("site: x.com\nrules:\n" + GOOD_RULE + "    regexx: a\n", "unknown key 'regexx'", 3),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    exact: S\n",
            "missing 'description'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: nope\n    action: drop\n    description: d\n"
            "    exact: S\n",
            "unknown kind 'nope'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: zap\n    description: d\n"
            "    exact: S\n",
            "unknown action 'zap'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    regex: '(unclosed'\n",
            "bad regex",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            '    regex: "^Share your photos\\b"\n',
            "rule 'a' holds the control character '\\x08', which no line contains",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n",
            "needs 'exact' or 'regex'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    regex: '(?P<colour>x)'\n",
            "unknown capture group",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    exact: S\n    zone: middle\n",
            "zone 'middle'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    exact: S\n    max_words: -2\n",
            "'max_words'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    exact: S\n    blank_after: true\n",
            "'blank_after' in rule 'a' must be a positive integer",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    exact: S\n    skip_between_prose: 'yes'\n",
            "'skip_between_prose' in rule 'a' must be true or false",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    exact: S\n    opening: 4\n",
            "'opening' in rule 'a' must be true, false or a number from 1 to 3",
            3,
        ),
        (
            "site: x.com\nrules:\n" + GOOD_RULE + "    once: 5\n",
            "'once' in rule 'x.rule' must be true, false or a name",
            3,
        ),
        (
            "site: x.com\nrules:\n" + GOOD_RULE + "    ignore_case: 'no'\n",
            "'ignore_case' in rule 'x.rule' must be true or false",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    regex: 5\n",
            "'regex' in rule 'a' must be a str or a list of them",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: share\n    action: drop\n    description: d\n"
            "    regex: 'Share|'\n",
            "the regex of rule 'a' matches an empty string, so it matches every line",
            3,
        ),
        ("site: x.com\nrules:\n  -\n", "rule #1 of x.com must be a mapping, got None", None),
        (
            "site: x.com\nmatch:\n  fingerprints:\n    - {id: f, regex: a}\n    - {id: f, regex: b}\n",
            "duplicate fingerprint id 'f'",
            3,
        ),
        (
            "site: x.com\nmatch:\n  min_score: 2\n  fingerprints:\n    - {id: f, regex: a}\n",
            "the fingerprints weigh 1 in all, under 'min_score' 2",
            3,
        ),
        (
            "site: x.com\nmatch:\n  fingerprints:\n    - {id: f, regex: a, weight: two}\n",
            "weight of fingerprint 'f' must be a positive number, not 'two'",
            4,
        ),
        ("site: x.com\nrules:\n" + GOOD_RULE + GOOD_RULE, "duplicate rule id 'x.rule'", 8),
        ("site: x.com\nsite: y.com\n", "duplicate key 'site'", 2),
        ("site: x.com\nrules: [\n", "malformed YAML", None),
        ("site: y.com\n", "does not match the file name", 1),
        ("site: x.com\nmatch:\n  fingerprints:\n    - id: f\n      regex: '['\n", "bad regex", 4),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: other\n    action: detect\n    description: d\n"
            "    detector: nope\n",
            "unknown detector",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: other\n    action: detect\n    description: d\n"
            "    detector: glued_story\n    params: {windw: 3}\n",
            "unknown parameter 'windw'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: duplicate\n    action: detect\n"
            "    description: d\n    detector: repeated_line\n    params: {min_chars: five}\n",
            "parameter 'min_chars' of detector repeated_line must be a whole number, not 'five'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: other\n    action: detect\n"
            "    description: d\n    detector: glued_story\n    params: {max_overlap: -0.5}\n",
            "parameter 'max_overlap' of detector glued_story must not be negative, not -0.5",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: dateline\n    action: drop\n"
            "    description: d\n    regex: '^(?P<published>.+ 2024)$'\n    dayfirst: maybe\n",
            "'dayfirst' in rule 'a' must be true or false",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: other\n    action: detect\n"
            "    description: d\n    detector: glued_story\n    params: {window: 2.5}\n",
            "parameter 'window' of detector glued_story must be a whole number, not 2.5",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: credit\n    action: note\n"
            "    description: d\n    regex: '(?P<agency>AFP)'\n",
            "a note rule needs 'zone: lead' or 'zone: tail'",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: credit\n    action: note\n"
            "    description: d\n    regex: 'AFP'\n    zone: tail\n",
            "each regex of a note rule must capture a metadata field",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: credit\n    action: note\n"
            "    description: d\n    regex: '(?P<caption>.+) (?P<agency>AFP)'\n    zone: tail\n",
            "each regex of a note rule must capture a metadata field",
            3,
        ),
        (
            "site: x.com\nrules:\n  - id: a\n    kind: credit\n    action: note\n"
            "    description: d\n    exact: AFP\n    zone: tail\n",
            "a note rule needs 'regex'",
            3,
        ),
        ("site: x.com\nlanguage: english\n", "ISO 639-1", 1),
        (
            "site: x.com\nurl_section: '^/([a-z]+)/'\n",
            "'url_section' must capture the section in a group named 'section'",
            1,
        ),
        ("site: x.com\nurl_section: '^/(?P<section>[a-z+/'\n", "bad regex in url_section", 1),
        ("site: x.com\nsection_names: [sci-tech]\n", "'section_names' must map URL slugs", 1),
        ("- just\n- a list\n", "must be a mapping", 1),
    ],
)
def test_invalid_rule_file(body, message, line):
    with pytest.raises(RuleError) as info:
        _parse(body)
    assert message in str(info.value)
    assert info.value.path == "rules/x.com.yaml"
    if line is not None:
        assert info.value.line == line
    assert "\n" not in str(info.value)  # one line


def test_yaml_tags_cannot_run_code():
    with pytest.raises(RuleError, match="malformed YAML"):
        _parse("site: x.com\ndescription: !!python/object/apply:os.system ['echo hi']\n")


def test_disable_must_name_a_generic_rule(tmp_path):
    (tmp_path / "x.com.yaml").write_text("site: x.com\ndisable: [generic.nope]\n")
    with pytest.raises(RuleError, match="'disable' names 'generic.nope', which is no generic rule"):
        Cleaner([tmp_path])


def test_ids_unique_across_files(tmp_path):
    rule = "rules:\n" + GOOD_RULE
    (tmp_path / "a.com.yaml").write_text("site: a.com\n" + rule.replace("x.rule", "dawn.caption"))
    with pytest.raises(RuleError, match="already used"):
        Cleaner([tmp_path])


def test_user_rules_override_builtin_site(tmp_path):
    (tmp_path / "dawn.com.yaml").write_text(
        "site: dawn.com\nmatch:\n  domains: [dawn.com]\nrules:\n" + GOOD_RULE
    )
    cleaner = Cleaner([tmp_path])
    assert [r.id for r in cleaner.rule_files["dawn.com"].rules] == ["x.rule"]


def test_valid_file_compiles():
    rule_file = _parse(
        "site: x.com\nlanguage: en\nmatch:\n  domains: [X.com]\nrules:\n" + GOOD_RULE
    )
    assert rule_file.domains == ("x.com",)
    assert rule_file.rules[0].source == "rules/x.com.yaml:6"  # the "- id:" line


@pytest.mark.parametrize(
    ("languages", "problem"),
    [
        ("english", "must be a list of ISO 639-1 codes, not a str ('english')"),
        ("en", "must be a list of ISO 639-1 codes"),
        ("[xx-bogus]", "'xx-bogus' is not an ISO 639-1 language code"),
        ("[en, english]", "'english' is not an ISO 639-1 language code"),
        ("[EN]", "'EN' is not an ISO 639-1 language code (write 'en')"),
        ("[en-US]", "(write 'en': a region or script is not matched)"),
        ("[xx]", "'xx' is not an ISO 639-1 language code"),
        ("[1]", "1 is not an ISO 639-1 language code"),
    ],
)
def test_rule_languages_must_be_a_list_of_iso_codes(languages, problem):
    body = "site: x.com\nrules:\n" + GOOD_RULE + f"    languages: {languages}\n"
    with pytest.raises(RuleError) as info:
        _parse(body)
    message = str(info.value)
    assert message.startswith("rules/x.com.yaml:3: 'languages' in rule 'x.rule'")
    assert problem in message
    assert "\n" not in message


def test_rule_languages_accept_iso_codes():
    body = "site: x.com\nrules:\n" + GOOD_RULE + "    languages: [en, fr, ar]\n"
    assert _parse(body).rules[0].languages == {"en", "fr", "ar"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("site: _pack\nlanguages: english\n", "'languages' must be a list of ISO 639-1 codes"),
        ("site: _pack\nlanguages: [zz]\n", "'zz' is not an ISO 639-1 language code"),
        ("site: x.com\nlanguages: [en]\n", "'languages' is for generic packs"),
        ("site: x.com\nlanguage: xx\n", "'language': 'xx' is not an ISO 639-1 language code"),
    ],
)
def test_file_languages_are_validated(body, problem):
    name = "_pack.yaml" if body.startswith("site: _") else "x.com.yaml"
    with pytest.raises(RuleError) as info:
        _parse(body, name)
    assert str(info.value).startswith(f"rules/{name}:1: ")
    assert problem in str(info.value)


def test_rule_with_bad_languages_stops_the_run_before_any_document(tmp_path, capsys):
    from cleaner.cli import main

    (tmp_path / "x.com.yaml").write_text(
        "site: x.com\nrules:\n" + GOOD_RULE + "    languages: english\n"
    )
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nShare\n")
    assert main(["clean", "--rules", str(tmp_path), str(article)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "x.com.yaml:3: 'languages' in rule 'x.rule'" in err[0]


def test_readme_documents_every_rule_key():
    """The README's table of rule keys names every key a rule file may use, and no other."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    table = readme.split("Rule keys:", 1)[1].split("\n\n", 2)[1]
    documented = {
        key
        for row in table.splitlines()[2:]
        for key in re.findall(r"`([a-z_]+)`", row.split("|")[1])
    }
    assert documented == set(_RULE_KEYS)


def _site_file(folder: Path, name: str, site: str, domains: str = "", rule_id: str = "x.rule"):
    folder.mkdir(parents=True, exist_ok=True)
    match = f"match:\n  domains: [{domains}]\n" if domains else ""
    rule = GOOD_RULE.replace("x.rule", rule_id)
    (folder / name).write_text(f"site: {site}\n{match}rules:\n{rule}", encoding="utf-8")


def test_two_files_of_one_folder_for_one_site_are_an_error(tmp_path):
    """A stale copy in a subfolder (the folder is read recursively) would replace the file
    it copies, silently."""
    _site_file(tmp_path, "x.com.yaml", "x.com")
    _site_file(tmp_path / "old", "x.com.yaml", "x.com", rule_id="x.old")
    with pytest.raises(RuleError) as info:
        Cleaner([tmp_path], builtin_rules=False)
    message = str(info.value)
    assert "a second rule file for site 'x.com' in this folder" in message
    assert str(tmp_path / "old" / "x.com.yaml") in message


def test_a_domain_claimed_by_two_sites_is_an_error(tmp_path):
    _site_file(tmp_path, "x.com.yaml", "x.com", domains="x.com, shared.com")
    _site_file(tmp_path, "y.com.yaml", "y.com", domains="y.com, shared.com", rule_id="y.rule")
    with pytest.raises(RuleError) as info:
        Cleaner([tmp_path], builtin_rules=False)
    assert "domain 'shared.com' is claimed by site x.com too" in str(info.value)


def test_a_file_that_replaces_a_built_in_one_is_told(tmp_path, capsys):
    """A user's dawn.com.yaml replaces the built-in file whole: the commands say so."""
    from cleaner.cli import main

    _site_file(tmp_path, "dawn.com.yaml", "dawn.com", domains="dawn.com", rule_id="mine.rule")
    cleaner = Cleaner([tmp_path])
    assert [r.id for r in cleaner.rule_files["dawn.com"].rules] == ["mine.rule"]
    [note] = cleaner.replaced_rule_files
    assert note.startswith(f"{tmp_path / 'dawn.com.yaml'} replaces the rules for dawn.com in ")
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nShare\n\nA body paragraph that is long enough to be prose.\n")
    assert main(["clean", "--rules", str(tmp_path), "--site", "dawn.com", str(article)]) == 0
    assert f"cleaner: note: {note}" in capsys.readouterr().err
    assert main(["clean", "-q", "--rules", str(tmp_path), "--site", "dawn.com", str(article)]) == 0
    assert "note" not in capsys.readouterr().err


def test_an_exact_line_is_compared_with_its_spaces_collapsed(tmp_path):
    """Input lines are trimmed and their spaces collapsed; so is an exact line, which
    otherwise could never match."""
    rule = GOOD_RULE.replace("exact: Share", "exact: '  Share   on Facebook  '")
    (tmp_path / "x.com.yaml").write_text("site: x.com\nrules:\n" + rule, encoding="utf-8")
    result = Cleaner([tmp_path], builtin_rules=False).clean(
        "Headline here\n\nShare on Facebook\n\nA body paragraph long enough to be prose here.",
        site="x.com",
    )
    assert [r.rule for r in result.removed] == ["x.rule"]
