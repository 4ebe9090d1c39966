"""`cleaner rules check`: validate rule files; report unexercised and overlapping rules."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..actions import line_matches
from ..core import Cleaner, CleanError
from ..golden import GoldenCase, check_case, discover
from ..inputs import InputError, decode_bytes, decode_html_bytes, input_kind, read_bytes
from ..model import CleanResult, Line
from ..normalize import split_lines, word_count
from ..rules import HtmlRules, RuleFile, iter_rule_paths
from ..text import Budget, Doc, is_body_like
from . import note_replaced_rules

# rule id -> case id -> input line numbers the rule would remove there
Matches = dict[str, dict[str, frozenset[int]]]

EXIT_OK, EXIT_DOC_ERRORS = 0, 1
# A rule whose regex the RE2 screen lets run on this share of body paragraphs is tried on
# nearly every line: what the line must contain sits where the screen cannot see it.
UNSCREENED_SHARE = 0.5

Subparsers = argparse._SubParsersAction  # what add_subparsers() returns


def cmd_rules_check(args: argparse.Namespace) -> int:
    """Validate rule files and list the rules no golden case exercises."""
    cleaner = Cleaner(args.dirs)  # raises RuleError on the first problem
    note_replaced_rules(cleaner)
    files = cleaner.rule_files
    if empty := [str(d) for d in args.dirs or () if not any(iter_rule_paths(Path(d)))]:
        print(
            f"cleaner: {', '.join(empty)}: no rule files (*.yaml) in this folder", file=sys.stderr
        )
        return EXIT_DOC_ERRORS
    print(
        f"ok: {len(files)} rule file(s), {sum(len(f.rules) for f in files.values())} rule(s) valid"
    )
    golden = Path(args.golden)
    if not golden.is_dir():
        print(f"note: no golden folder at {golden}; cannot report unexercised rules")
        return EXIT_OK
    fired: set[str] = set()
    matches: Matches = defaultdict(dict)
    bodies: list[str] = []
    misses: list[str] = []
    # site -> its html selectors (part, css) that no golden HTML page of the site matched yet
    selectors_unmatched: dict[str, set[tuple[str, str]]] = {}
    for case in discover(golden):
        try:
            result = check_case(cleaner, case).result
            fired.update(r.rule for r in result.removed)
            fired.update(n.rule for n in result.noted)
            bodies += [p for p in result.paragraphs if is_body_like(p)]
            text_lines = _text_lines(case)  # None for an HTML case
            for rule_id, nos in matched_lines(cleaner, text_lines, result).items():
                matches[rule_id][case.id] = nos
            if text_lines is not None:
                misses += screen_misses(cleaner, case, text_lines)
            elif result.site in files:
                unmatched = _unmatched_on_page(case, files[result.site].html)
                selectors_unmatched[result.site] = (
                    selectors_unmatched.get(result.site, unmatched) & unmatched
                )
        except (InputError, CleanError) as exc:
            print(f"error: {case.id}: {exc}")
    # With rule folders named, only their rules are reported on: the built-in rules are
    # exercised by the built-in golden cases, not by the user's.
    mine = _rule_ids_under(files.values(), args.dirs)
    for first, second in overlaps(matches):
        if first not in mine and second not in mine:
            continue
        cases = matches[first]
        matched = sum(len(v) for v in cases.values())
        shadowed = [rule_id for rule_id in (first, second) if rule_id not in fired]
        why = (
            f"; {shadowed[0]} never fires, since the other comes first"
            if len(shadowed) == 1
            else ""
        )
        print(
            f"warning: rules {first} and {second}, each tried on its own, match the same "
            f"{matched} line(s) in every golden case where either matches ({len(cases)} "
            f"case(s)){why}; one of them may be redundant"
        )
    for rule_id, share in unscreened(cleaner, bodies):
        if rule_id not in mine:
            continue
        print(
            f"warning: the RE2 screen cannot rule out rule {rule_id} for {share:.0%} of the "
            "golden body paragraphs, so its regex runs on nearly every line; keep what a line "
            "must contain in the pattern itself (the screen ignores lookarounds) or add max_words"
        )
    for miss in misses:
        print(f"error: {miss}")
    unexercised = [r for f in files.values() for r in f.rules if r.id in mine - fired]
    for rule in unexercised:
        print(f"warning: no golden case exercises rule {rule.id} ({rule.source})")
    no_page = _selectors_no_page_matches(files, selectors_unmatched, args.dirs)
    for message in no_page:
        print(f"warning: {message}")
    if not unexercised and not no_page:
        which = "rule" if not args.dirs else "rule of " + ", ".join(args.dirs)
        print(f"ok: every {which} is exercised by a golden case")
    if misses:
        return EXIT_DOC_ERRORS
    return EXIT_DOC_ERRORS if (unexercised or no_page) and args.strict else EXIT_OK


def _unmatched_on_page(case: GoldenCase, rules: HtmlRules) -> set[tuple[str, str]]:
    """The site's html selectors that match nothing on an HTML case's page."""
    from ..html import parse_html, unmatched_selectors  # trafilatura: only for HTML cases

    tree = parse_html(decode_html_bytes(read_bytes(str(case.input_path))).text)
    return unmatched_selectors(tree, rules)


def _selectors_no_page_matches(
    files: dict[str, RuleFile], unmatched: dict[str, set[tuple[str, str]]], dirs: list[str]
) -> list[str]:
    """A line for each html selector of the checked files that no golden HTML page of its
    site matches, and for each file with selectors but no such page at all."""
    messages = []
    for site, rule_file in sorted(files.items()):
        if not _under(rule_file, dirs) or rule_file.html == HtmlRules():
            continue
        if site not in unmatched:
            messages.append(
                f"no golden HTML case of {site} ({rule_file.path}), so its html selectors "
                "are not checked against a page"
            )
            continue
        messages += [
            f"no golden HTML page of {site} matches its html.{part} selector {css!r} "
            f"({rule_file.path}): misspelt, or the site's layout changed?"
            for part, css in sorted(unmatched[site])
        ]
    return messages


def _under(rule_file: RuleFile, dirs: list[str]) -> bool:
    """Whether a rule file is one of the checked folders' (every file when none is named)."""
    path = os.path.realpath(rule_file.path)
    return not dirs or any(path.startswith(os.path.realpath(d) + os.sep) for d in dirs)


def _rule_ids_under(files: Iterable[RuleFile], dirs: list[str]) -> set[str]:
    """Ids of the rules of the files under `dirs`; of every file when none is named."""
    return {rule.id for rule_file in files if _under(rule_file, dirs) for rule in rule_file.rules}


def _text_lines(case: GoldenCase) -> list[Line] | None:
    """The input lines of a text case; None for an HTML case (its extracted lines are not
    kept)."""
    if input_kind(str(case.input_path)) != "text":
        return None
    return split_lines(decode_bytes(read_bytes(str(case.input_path))).text)


def matched_lines(
    cleaner: Cleaner, lines: list[Line] | None, result: CleanResult
) -> dict[str, frozenset[int]]:
    """The input lines each rule would remove in a case (`lines`: a text case's).

    A line rule is tried on every line on its own (in a run, the first matching rule takes a
    line, which would hide the overlap); detectors and structural rules count as they fired.
    HTML cases count every rule as it fired, since their extracted lines are not kept.
    """
    found: dict[str, set[int]] = defaultdict(set)
    for removal in result.removed:
        found[removal.rule].add(removal.line)
    if lines is not None:
        rule_file = cleaner.rule_files.get(result.site) if result.site else None
        doc = Doc(lines, Budget(cleaner.time_budget))
        for rule in cleaner.rules_for(rule_file, result.language):
            if not rule.is_line_rule:
                continue
            found.pop(rule.id, None)
            for index, line in enumerate(lines):
                if line_matches(rule, doc, index) is not None:
                    found[rule.id].add(line.no)
    return {rule_id: frozenset(nos) for rule_id, nos in found.items() if nos}


def screen_misses(cleaner: Cleaner, case: GoldenCase, lines: list[Line]) -> list[str]:
    """The lines of a text case that a rule's regexes match and its `screen` does not: the
    prefilter would never let the rule see them."""
    screened = [
        (rule, rule.screen) for rule in cleaner.rules_by_id.values() if rule.screen is not None
    ]
    return [
        f"{case.id}:{line.no}: rule {rule.id} matches the line, and its screen does not "
        "(the prefilter would skip it): widen the screen"
        for rule, screen in screened
        for line in lines
        if not screen.search(line.text)
        and any(pattern.search(line.text) for pattern in rule.patterns)
    ]


def unscreened(cleaner: Cleaner, bodies: list[str]) -> list[tuple[str, float]]:
    """Line rules whose regex would run on at least UNSCREENED_SHARE of the body paragraphs:
    the RE2 screen names them and no `max_words` turns the paragraph away first (a `doubled`
    rule is tried only on a line shown twice, which a paragraph is not)."""
    if not bodies:
        return []
    runs: Counter[str] = Counter()
    for text in bodies:
        for rule_id in cleaner.screened_rules(text):
            rule = cleaner.rules_by_id[rule_id]
            if not rule.doubled and (rule.max_words is None or word_count(text) <= rule.max_words):
                runs[rule_id] += 1
    shares = ((rule_id, count / len(bodies)) for rule_id, count in sorted(runs.items()))
    return [(rule_id, share) for rule_id, share in shares if share >= UNSCREENED_SHARE]


def overlaps(matches: Matches) -> list[tuple[str, str]]:
    """Pairs of rules that remove exactly the same lines in every case where either fires."""
    by_footprint: dict[tuple, list[str]] = defaultdict(list)
    for rule_id, cases in matches.items():
        by_footprint[tuple(sorted(cases.items(), key=lambda c: c[0]))].append(rule_id)
    pairs = []
    for rule_ids in by_footprint.values():
        ordered = sorted(rule_ids)
        pairs += [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]
    return sorted(pairs)


def register(
    commands: argparse._SubParsersAction, rule_commands: argparse._SubParsersAction
) -> None:
    """Add `cleaner rules check` to the command line."""
    check = rule_commands.add_parser(
        "check", help="validate rule files; list rules no golden case exercises, and overlaps"
    )
    check.add_argument(
        "dirs",
        nargs="*",
        metavar="DIR",
        help="your rule folders: loaded with the built-ins, and only their rules are reported on",
    )
    check.add_argument("--golden", default="golden", help="golden cases folder (default: ./golden)")
    check.add_argument("--strict", action="store_true", help="exit 1 when a rule is not exercised")
    check.set_defaults(func=cmd_rules_check)
