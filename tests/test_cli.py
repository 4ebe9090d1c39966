"""The command line: formats, folders, JSONL pass-through, explain, errors, rules check."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cleaner.cli import main

from conftest import GOLDEN

SEED = GOLDEN / "dawn.com" / "000_5b8db5094a4bffc0.txt"
EXPECTED = SEED.with_name("000_5b8db5094a4bffc0.expected.txt")


def test_clean_text_to_stdout(capsys):
    assert main(["clean", str(SEED)]) == 0
    assert capsys.readouterr().out == EXPECTED.read_text()


def test_clean_json(capsys):
    assert main(["clean", "--format", "json", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == EXPECTED.read_text()
    assert data["site"] == "dawn.com" and data["site_source"] == "fingerprint"
    assert data["metadata"]["captions"][0]["credit"] == "Reuters"
    assert {r["kind"] for r in data["removed"]} == {"caption", "footer"}
    assert set(data) >= {"title", "paragraphs", "language", "warnings", "body"}


def test_explain_goes_to_stderr(capsys):
    assert main(["clean", "--explain", str(SEED)]) == 0
    captured = capsys.readouterr()
    assert captured.out == EXPECTED.read_text()
    assert "dawn.caption" in captured.err and "generic.source-link" in captured.err
    assert "why:" in captured.err


def test_folder_to_output_dir(tmp_path, capsys):
    assert main(["clean", str(GOLDEN / "presstv.ir"), "--output", str(tmp_path)]) == 0
    out = tmp_path / "003_7378d8f28ffd20ea.txt"
    assert (
        out.read_text() == (GOLDEN / "presstv.ir" / "003_7378d8f28ffd20ea.expected.txt").read_text()
    )
    # expected files are inputs too when a folder is given, but inputs are never modified
    assert (GOLDEN / "presstv.ir" / "003_7378d8f28ffd20ea.txt").read_text().startswith("Iraq: US")


def test_jsonl_passes_fields_through(tmp_path, capsys):
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps({"id": 1, "url": "https://www.dawn.com/news/1", "text": SEED.read_text()})
        + "\n"
        + "{broken\n"
        + json.dumps({"id": 3, "text": 5})
        + "\n"
        + json.dumps({"id": 4})
        + "\n"
    )
    assert main(["clean", "--format", "jsonl", str(records)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4
    assert lines[0]["id"] == 1 and lines[0]["site_source"] == "url"
    assert lines[0]["text"] == EXPECTED.read_text()
    assert lines[0]["original_text"] == SEED.read_text()
    assert lines[1]["error"]["line"] == 2
    assert lines[2]["error"]["code"] == "bad_type" and lines[2]["id"] == 3
    assert lines[3]["error"]["code"] == "missing_text" and lines[3]["id"] == 4


def test_missing_file_is_one_line_error(capsys):
    assert main(["clean", "no/such/file.txt"]) == 1
    err = capsys.readouterr().err
    assert err == "cleaner: no/such/file.txt: no such file\n"


def test_empty_input_is_an_error(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\t\n")
    assert main(["clean", str(empty)]) == 1
    assert "input is empty" in capsys.readouterr().err


def test_bad_rules_dir_is_usage_error(tmp_path, capsys):
    (tmp_path / "x.com.yaml").write_text("site: x.com\nrulez: []\n")
    assert main(["clean", "--rules", str(tmp_path), str(SEED)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cleaner: rule error: ") and "x.com.yaml:1" in err


def test_site_option(capsys):
    assert main(["clean", "--site", "presstv.ir", "--format", "json", str(SEED)]) == 0
    assert json.loads(capsys.readouterr().out)["site_source"] == "option"


def test_rules_check(capsys):
    assert main(["rules", "check", "--golden", str(GOLDEN)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ")


def test_rules_check_reports_unexercised_rule(tmp_path, capsys):
    (tmp_path / "x.com.yaml").write_text(
        "site: x.com\nrules:\n  - id: x.never\n    kind: share\n    action: drop\n"
        "    description: d\n    exact: Never seen\n"
    )
    assert main(["rules", "check", str(tmp_path), "--golden", str(GOLDEN), "--strict"]) == 1
    assert "no golden case exercises rule x.never" in capsys.readouterr().out


def test_version_and_help():
    out = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "--version"], capture_output=True, text=True
    )
    assert out.stdout.startswith("cleaner ")
    out = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", "--help"], capture_output=True, text=True
    )
    assert "--explain" in out.stdout


SEEDS = sorted(p for p in GOLDEN.glob("*/0*.txt") if ".expected" not in p.name)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.parent.name)
def test_stdin(seed):
    out = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", "-"],
        input=seed.read_bytes(),
        capture_output=True,
        check=True,
    )
    assert out.stdout.decode() == seed.with_name(seed.stem + ".expected.txt").read_text()
