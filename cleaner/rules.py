"""Rule files: the YAML schema, strict validation with file and line, and loading.

A rule file describes one site (``rules/<site>.yaml``) or a generic pack that applies to every
site (``rules/_<name>.yaml``). See the README's rule-file reference for the schema.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from .actions import ACTIONS, LINE_ACTIONS, NOTE_ACTION
from .detectors import DETECTORS
from .model import CAPTION_GROUPS, CAPTURE_GROUPS, KINDS
from .normalize import normalize_line
from .selectors import Selector, compile_selector
from .text import OPENING_MAX

ZONES = ("any", "head", "lead", "tail")
NOTE_ZONES = ("lead", "tail")  # where a story's own credit stands: not beside one quote
DEFAULT_HINT = "see 'Rule files' in README.md for the schema"
GENERIC_PREFIX = "_"
RULE_FILE_SUFFIXES = (".yaml", ".yml")
# The id under which the HTML path lists what a site's `html.strip` selectors removed.
HTML_STRIP_RULE = "{site}.html.strip"
# ISO 639-1 language codes (the 183 current ones): what `language` and `languages` may name.
# Detected languages are these codes (langdetect's 'zh-cn' and 'zh-tw' are read as 'zh').
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu
    """.split()
)

_FILE_KEYS = {
    "site": "the site's registered domain, or _name for a generic pack",
    "description": "one line on the site",
    "language": "ISO 639-1 code of the site's language",
    "languages": "generic packs only: apply only to documents in these languages",
    "match": "domains, aliases and fingerprints that recognize the site",
    "disable": "ids of generic rules this site switches off",
    "url_section": "regex (or list) searched in the path of an article's URL on the site's "
    "own hosts; its 'section' group names the section when the text does not",
    "section_names": "how the site spells a section whose URL slug does not say it "
    "(sci-tech: Sci-Tech)",
    "rules": "the rule list",
    "html": "per-site HTML selectors (see the HTML section of the README)",
}
_MATCH_KEYS = {
    "domains": "registered domains of the site",
    "aliases": "other hosts that serve the same site",
    "fingerprints": "regexes that recognize the site's text without a URL",
    "min_score": "total fingerprint weight needed to recognize the site",
}
_FINGERPRINT_KEYS = {"id", "regex", "weight", "description"}
_HTML_KEYS = {
    "strip": "CSS selectors removed before extraction",
    "body": "CSS selectors for the article body, tried in order",
    "title": "CSS selectors for the headline, tried in order",
    "meta_lines": "CSS selectors of lines outside the body that carry metadata (a source and "
    "date line, a byline): read by the site's line rules into metadata, never into the text",
    "captions": "CSS selectors of captions that are no <figcaption>: read into the captions "
    "and removed from the text",
    "extract": "trafilatura options for this site",
}
# trafilatura options a site may set in `html.extract` (all booleans).
_EXTRACT_OPTIONS = {
    "favor_precision": "prefer less text but correct extraction",
    "favor_recall": "prefer more text even when unsure",
    "include_comments": "keep the comment section",
    "include_tables": "keep text inside <table>",
    "fast": "skip trafilatura's fallback extractors",
}
_RULE_KEYS = {
    "id": "stable rule id, e.g. dawn.caption",
    "kind": "what the removed text is: " + ", ".join(sorted(KINDS)),
    "action": "what the rule does: " + ", ".join(sorted(ACTIONS)),
    "description": "one line: what the rule removes and why",
    "exact": "a line (or list of lines) matched exactly",
    "regex": "a regex (or list) searched in each line; named groups capture metadata",
    "screen": "a cheaper regex the RE2 prefilter looks for instead of 'regex': it must match "
    "every line the rule's regexes match (`rules check` tries it on the golden cases)",
    "ignore_case": "match exact/regex case-insensitively",
    "zone": "where the line may be: any, head (first lines), lead (first paragraph) or tail "
    "(last lines)",
    "max_words": "only lines with at most this many words",
    "skip_between_prose": "not a line between two paragraphs of prose (a timeline's date)",
    "skip_timeline": "not a line over a paragraph of prose when two other lines or more that "
    "the rule matches sit between two paragraphs of prose: a timeline's first date, under its "
    "headline, is an entry too",
    "skip_list_items": "not an item of a list under a line ending in ':' (\"The winners were:\")",
    "skip_runs": "not one of three paragraphs or more in a row that end in a bracketed credit "
    "(an item's title may stand between two): a column of wire briefs, not pictures' captions",
    "skip_echoes": "not a line that the next line repeats and goes on from (a caption's alt text)",
    "doubled": "only a line that the line above or below repeats (a caption the page shows twice)",
    "between_copies": "only a line whose previous and next lines repeat each other, the only "
    "line of the page under its header that the rule matches so (a glued story's time stamp "
    "between its headline and the headline's bulleted copy; a timeline's entries each have "
    "that shape)",
    "opening": "only the opening: the lines down to the first paragraph of prose (true), or "
    f"down to the Nth (a number up to {OPENING_MAX}: a standfirst may come first)",
    "closing": "only the closing: the last paragraph of prose and the lines below it",
    "once": "only the first line of the document the rule removes, or the line right above "
    "or under it (a dateline opens a story once); a name instead of true is shared by several "
    "rules",
    "followed_by": "regex the next non-empty line must match",
    "preceded_by": "regex the previous non-empty line must match",
    "page_opens": "regex a line of the page's opening must match (a letters page's \"Sir, \")",
    "blank_after": "only lines followed by at least this many blank input lines, and by more "
    "than the document's paragraphs are",
    "dayfirst": "parse ambiguous captured dates as day first",
    "detector": "detect action: which detector runs",
    "params": "detect action: the detector's parameters",
    "languages": "apply only to documents in these languages",
}


# Rule keys that are true or false.
_FLAGS = (
    "skip_between_prose",
    "skip_timeline",
    "skip_list_items",
    "skip_runs",
    "skip_echoes",
    "doubled",
    "between_copies",
    "closing",
)


class RuleError(Exception):
    """A rule file is invalid. The message names the file, the line and the problem."""

    def __init__(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        hint = hint or DEFAULT_HINT
        self.path, self.line, self.message, self.hint = path, line, message, hint
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}" + (f" ({hint})" if hint else ""))

    def __reduce__(self) -> tuple[type[RuleError], tuple[str, int | None, str, str]]:
        return (type(self), (self.path, self.line, self.message, self.hint))


class _Mapping(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


# libyaml's parser when PyYAML was built with it: loading the rules takes a fifth of the time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML loader that records line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A pattern whose presence in a text is evidence for one site."""

    id: str
    pattern: regex.Pattern[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. `source` is 'file:line' for error messages and reports."""

    id: str
    kind: str
    action: str
    description: str
    source: str
    exact: frozenset[str] = frozenset()
    patterns: tuple[regex.Pattern[str], ...] = ()
    screen: regex.Pattern[str] | None = None
    ignore_case: bool = False
    zone: str = "any"
    max_words: int | None = None
    skip_between_prose: bool = False
    skip_timeline: bool = False
    closing: bool = False
    once: str = ""  # the key a `once` rule uses up ("": not once; its id, or a shared name)
    opening: int = 0  # paragraphs of prose the opening reaches down to (0: any line)
    skip_list_items: bool = False
    skip_runs: bool = False
    skip_echoes: bool = False
    doubled: bool = False
    between_copies: bool = False
    followed_by: regex.Pattern[str] | None = None
    preceded_by: regex.Pattern[str] | None = None
    page_opens: regex.Pattern[str] | None = None
    blank_after: int | None = None
    dayfirst: bool = True
    detector: str | None = None
    params: tuple[tuple[str, Any], ...] = ()
    languages: frozenset[str] = frozenset()

    @property
    def is_line_rule(self) -> bool:
        return self.action in LINE_ACTIONS

    @property
    def is_note(self) -> bool:
        return self.action == NOTE_ACTION

    def param(self, name: str, default: Any) -> Any:
        return dict(self.params).get(name, default)

    @property
    def screened(self) -> tuple[regex.Pattern[str], ...]:
        """What the RE2 prefilter looks for: the rule's screen, or else its regexes."""
        return (self.screen,) if self.screen is not None else self.patterns


@dataclass(frozen=True, slots=True)
class HtmlRules:
    """Per-site selectors for the HTML path, compiled to XPath when the file is loaded."""

    strip: tuple[Selector, ...] = ()
    body: tuple[Selector, ...] = ()
    title: tuple[Selector, ...] = ()
    captions: tuple[Selector, ...] = ()
    meta_lines: tuple[Selector, ...] = ()
    extract: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One loaded rule file: a site, or a generic pack when `site` starts with '_'."""

    site: str
    path: str
    description: str = ""
    language: str | None = None
    languages: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    fingerprints: tuple[Fingerprint, ...] = ()
    min_score: float = 2.0
    disable: frozenset[str] = frozenset()
    rules: tuple[Rule, ...] = ()
    html: HtmlRules = field(default_factory=HtmlRules)
    url_section: tuple[regex.Pattern[str], ...] = ()
    section_names: tuple[tuple[str, str], ...] = ()  # (URL slug, lower-cased; its name)

    @property
    def is_generic(self) -> bool:
        return self.site.startswith(GENERIC_PREFIX)


def _as_list(
    value: Any, path: str, line: int, key: str, item_type: type = str, what: str = ""
) -> list[Any]:
    """A value or a list of values of one type (`what` names the rule it belongs to)."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, item_type) or isinstance(item, bool) and item_type is not bool:
            raise RuleError(
                path,
                line,
                f"{key!r}{f' in {what}' if what else ''} must be a {item_type.__name__} "
                "or a list of them",
                f"got {type(item).__name__} {item!r}",
            )
    return items


def _language_code(value: Any, path: str, line: int | None, where: str) -> str:
    """A validated ISO 639-1 code; anything else is a RuleError naming where it was found."""
    if not isinstance(value, str) or value not in ISO_639_1:
        hint = "two lowercase letters, e.g. en, fr, ar"
        if isinstance(value, str) and value.strip().lower() in ISO_639_1:
            hint = f"write {value.strip().lower()!r}"
        elif isinstance(value, str) and value.split("-")[0].lower() in ISO_639_1:
            hint = f"write {value.split('-')[0].lower()!r}: a region or script is not matched"
        raise RuleError(path, line, f"{where}: {value!r} is not an ISO 639-1 language code", hint)
    return value


def _languages(value: Any, path: str, line: int | None, where: str) -> frozenset[str]:
    """The `languages` list of a rule or a generic pack: ISO 639-1 codes."""
    if not isinstance(value, list):
        raise RuleError(
            path,
            line,
            f"{where} must be a list of ISO 639-1 codes, not a {type(value).__name__} ({value!r})",
            "e.g. languages: [en, fr]",
        )
    return frozenset(_language_code(code, path, line, where) for code in value)


def _check_keys(data: _Mapping, allowed: Iterable[str], path: str, what: str) -> None:
    allowed = set(allowed)
    for key in data:
        if key not in allowed:
            raise RuleError(
                path,
                data.line,
                f"unknown key {key!r} in {what}",
                "allowed: " + ", ".join(sorted(allowed)),
            )


def _require(data: _Mapping, key: str, path: str, what: str, kind: type = str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise RuleError(path, data.line, f"{what} is missing {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise RuleError(path, data.line, f"{key!r} in {what} must be a {kind.__name__}")
    return value


def compile_regex(
    source: str, path: str, line: int, what: str, ignore_case: bool = False, multiline: bool = False
) -> regex.Pattern[str]:
    """Compile a rule regex (the `regex` module, so matching can have a time budget)."""
    allowed = "\n" if multiline else ""  # a fingerprint may read across lines
    text = source if isinstance(source, str) else ""
    control = next((char for char in text if char < " " and char not in allowed), None)
    if control is not None:
        # Lines never hold one (they are normalized), so the rule could never fire.
        raise RuleError(
            path,
            line,
            f"{what} holds the control character {control!r}, which no line contains",
            'in a double-quoted YAML string a backslash is an escape ("\\b" is a backspace): '
            "quote the pattern with single quotes, or double each backslash",
        )
    flags = (
        regex.V0 | (regex.IGNORECASE if ignore_case else 0) | (regex.MULTILINE if multiline else 0)
    )
    try:
        return regex.compile(source, flags)
    except (regex.error, TypeError) as exc:
        raise RuleError(path, line, f"bad regex in {what}: {exc}", f"pattern {source!r}") from None


def _compile_rule(data: Any, path: str, site: str, number: int) -> Rule:
    if not isinstance(data, _Mapping):
        raise RuleError(
            path,
            None,
            f"rule #{number} of {site} must be a mapping, got {data!r}",
            "each rule is a '- id: ...' entry with its keys; an empty '-' line holds none",
        )
    what = f"rule {data.get('id', '?')!r}"
    _check_keys(data, _RULE_KEYS, path, what)
    rule_id = _require(data, "id", path, "a rule")
    kind = _require(data, "kind", path, what)
    action = _require(data, "action", path, what)
    description = _require(data, "description", path, what)
    line = data.line
    if kind not in KINDS:
        raise RuleError(
            path, line, f"unknown kind {kind!r} in {what}", "use one of " + ", ".join(sorted(KINDS))
        )
    if action not in ACTIONS:
        raise RuleError(
            path,
            line,
            f"unknown action {action!r} in {what}",
            "use one of " + ", ".join(sorted(ACTIONS)),
        )
    ignore_case = data.get("ignore_case", False)
    if not isinstance(ignore_case, bool):
        raise RuleError(path, line, f"'ignore_case' in {what} must be true or false")
    # Lines are compared with their whitespace collapsed and trimmed (normalize_line); so is
    # an exact line, or "  Share on Facebook  " would never match.
    exact = frozenset(
        (normalize_line(e).casefold() if ignore_case else normalize_line(e))
        for e in _as_list(data.get("exact", []), path, line, "exact", what=what)
    )
    patterns = tuple(
        compile_regex(p, path, line, what, ignore_case)
        for p in _as_list(data.get("regex", []), path, line, "regex", what=what)
    )
    for pattern in patterns:
        if pattern.search(""):
            raise RuleError(
                path,
                line,
                f"the regex of {what} matches an empty string, so it matches every line",
                f"pattern {pattern.pattern!r}: make it require some text",
            )
    screen = None
    if "screen" in data:
        if not patterns:
            raise RuleError(path, line, f"'screen' in {what} goes with 'regex', and it has none")
        screen = compile_regex(data["screen"], path, line, f"screen of {what}", ignore_case)
    for pattern in patterns:
        unknown = set(pattern.groupindex) - CAPTURE_GROUPS
        if unknown:
            raise RuleError(
                path,
                line,
                f"unknown capture group(s) {sorted(unknown)} in {what}",
                "named groups must be one of " + ", ".join(sorted(CAPTURE_GROUPS)),
            )
    detector = data.get("detector")
    params = data.get("params", {}) or {}
    if action == "detect":
        if detector not in DETECTORS:
            raise RuleError(
                path,
                line,
                f"{what} names unknown detector {detector!r}",
                "use one of " + ", ".join(sorted(DETECTORS)),
            )
        if not isinstance(params, dict):
            raise RuleError(path, line, f"'params' in {what} must be a mapping")
        allowed = DETECTORS[detector].defaults
        for key, value in params.items():
            if key not in allowed:
                raise RuleError(
                    path,
                    line,
                    f"unknown parameter {key!r} for detector {detector}",
                    "allowed: " + ", ".join(sorted(allowed)),
                )
            problem = _param_problem(value, allowed[key])
            if problem:
                raise RuleError(path, line, f"parameter {key!r} of detector {detector} {problem}")
    elif detector is not None or params:
        raise RuleError(path, line, f"'detector'/'params' only go with action 'detect' in {what}")
    elif not exact and not patterns:
        raise RuleError(path, line, f"{what} needs 'exact' or 'regex'")
    zone = data.get("zone", "any")
    if zone not in ZONES:
        raise RuleError(path, line, f"zone {zone!r} in {what} is not one of {', '.join(ZONES)}")
    if action == NOTE_ACTION:
        _check_note(patterns, exact, zone, path, line, what)
    max_words = data.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise RuleError(
            path, line, f"'max_words' in {what} must be a positive integer", "e.g. max_words: 12"
        )
    blank_after = data.get("blank_after")
    if blank_after is not None and (
        not isinstance(blank_after, int) or isinstance(blank_after, bool) or blank_after < 1
    ):
        raise RuleError(
            path, line, f"'blank_after' in {what} must be a positive integer", "e.g. blank_after: 2"
        )
    opening = data.get("opening", False)
    if not isinstance(opening, bool) and (
        not isinstance(opening, int) or not 1 <= opening <= OPENING_MAX
    ):
        raise RuleError(
            path,
            line,
            f"'opening' in {what} must be true, false or a number from 1 to {OPENING_MAX}",
            "e.g. opening: 2 when a standfirst may come above the line",
        )
    flags = {key: data.get(key, False) for key in _FLAGS}
    for key, value in [*flags.items(), ("dayfirst", data.get("dayfirst", True))]:
        if not isinstance(value, bool):
            raise RuleError(path, line, f"{key!r} in {what} must be true or false")
    context = {
        key: compile_regex(data[key], path, line, f"{key} of {what}", ignore_case)
        for key in ("followed_by", "preceded_by", "page_opens")
        if key in data
    }
    return Rule(
        id=rule_id,
        kind=kind,
        action=action,
        description=description,
        source=f"{path}:{line}",
        exact=exact,
        patterns=patterns,
        screen=screen,
        ignore_case=ignore_case,
        zone=zone,
        max_words=max_words,
        skip_between_prose=flags["skip_between_prose"],
        skip_timeline=flags["skip_timeline"],
        closing=flags["closing"],
        once=_once_key(data.get("once", False), rule_id, path, line, what),
        opening=int(opening),
        skip_list_items=flags["skip_list_items"],
        skip_runs=flags["skip_runs"],
        skip_echoes=flags["skip_echoes"],
        doubled=flags["doubled"],
        between_copies=flags["between_copies"],
        followed_by=context.get("followed_by"),
        preceded_by=context.get("preceded_by"),
        page_opens=context.get("page_opens"),
        blank_after=blank_after,
        dayfirst=data.get("dayfirst", True),
        detector=detector,
        params=tuple(sorted(params.items())),
        languages=_languages(data.get("languages", []), path, line, f"'languages' in {what}"),
    )


def _check_note(
    patterns: tuple[regex.Pattern[str], ...],
    exact: frozenset[str],
    zone: str,
    path: str,
    line: int,
    what: str,
) -> None:
    """A note keeps its line and only reads metadata: each regex must capture a metadata
    field, and it looks only where a story credits its source (its lead or its last lines)."""
    if exact or not patterns:
        raise RuleError(path, line, f"{what}: a note rule needs 'regex' (not 'exact')")
    for pattern in patterns:
        groups = set(pattern.groupindex)
        if groups & CAPTION_GROUPS or not groups:
            raise RuleError(
                path,
                line,
                f"{what}: each regex of a note rule must capture a metadata field",
                "named groups: " + ", ".join(sorted(CAPTURE_GROUPS - CAPTION_GROUPS)),
            )
    if zone not in NOTE_ZONES:
        raise RuleError(
            path,
            line,
            f"{what}: a note rule needs 'zone: lead' or 'zone: tail'",
            "an agency named elsewhere may credit one quote, not the story",
        )


def _check_fingerprints(
    fingerprints: tuple[Fingerprint, ...], min_score: float, path: str, line: int
) -> None:
    """Fingerprint ids are unique, and all of them together can reach `min_score`."""
    seen: set[str] = set()
    for fp in fingerprints:
        if fp.id in seen:
            raise RuleError(path, line, f"duplicate fingerprint id {fp.id!r}")
        seen.add(fp.id)
    total = sum(fp.weight for fp in fingerprints)
    if fingerprints and total < min_score:
        raise RuleError(
            path,
            line,
            f"the fingerprints weigh {total:g} in all, under 'min_score' {min_score:g}: "
            "they can never recognize the site",
            "add fingerprints, raise their weights or lower min_score",
        )


def _compile_fingerprint(data: Any, path: str, index: int) -> Fingerprint:
    if not isinstance(data, _Mapping):
        raise RuleError(path, None, f"fingerprint #{index + 1} must be a mapping")
    _check_keys(data, _FINGERPRINT_KEYS, path, "a fingerprint")
    fp_id = _require(data, "id", path, "a fingerprint")
    source = _require(data, "regex", path, f"fingerprint {fp_id!r}")
    weight = data.get("weight", 1)
    if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
        raise RuleError(
            path,
            data.line,
            f"weight of fingerprint {fp_id!r} must be a positive number, not {weight!r}",
        )
    # Fingerprints are searched in the whole text at once, so ^ and $ mean line ends.
    pattern = compile_regex(source, path, data.line, f"fingerprint {fp_id!r}", multiline=True)
    return Fingerprint(fp_id, pattern, float(weight))


def _compile_html(data: Any, path: str) -> HtmlRules:
    if data is None:
        return HtmlRules()
    if not isinstance(data, _Mapping):
        raise RuleError(path, None, "'html' must be a mapping")
    _check_keys(data, _HTML_KEYS, path, "'html'")
    extract = data.get("extract", {}) or {}
    if not isinstance(extract, dict):
        raise RuleError(path, data.line, "'html.extract' must be a mapping of trafilatura options")
    line = getattr(extract, "line", data.line)
    for option, value in extract.items():
        if option not in _EXTRACT_OPTIONS:
            raise RuleError(
                path, line, f"unknown html.extract option {option!r}", _known(_EXTRACT_OPTIONS)
            )
        if not isinstance(value, bool):
            raise RuleError(path, line, f"html.extract option {option!r} must be true or false")

    def selectors(key: str) -> tuple[Selector, ...]:
        compiled = []
        for css in _as_list(data.get(key, []), path, data.line, f"html.{key}"):
            try:
                compiled.append(compile_selector(css))
            except ValueError as exc:
                raise RuleError(path, data.line, f"html.{key}: {exc}") from None
        return tuple(compiled)

    return HtmlRules(
        strip=selectors("strip"),
        body=selectors("body"),
        title=selectors("title"),
        captions=selectors("captions"),
        meta_lines=selectors("meta_lines"),
        extract=tuple(sorted(extract.items())),
    )


def _known(options: dict[str, str]) -> str:
    return "known: " + ", ".join(sorted(options))


def parse_rule_file(text: str, path: str) -> RuleFile:
    """Validate and compile the YAML text of one rule file. Raises RuleError."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(
            path, line, f"malformed YAML: {problem}", "check indentation and quoting"
        ) from None
    if not isinstance(data, _Mapping):
        raise RuleError(
            path,
            1,
            "a rule file must be a mapping with at least 'site'",
            "start the file with 'site: <domain>' (or '_name' for a generic pack)",
        )
    _check_keys(data, _FILE_KEYS, path, "the rule file")
    site = _require(data, "site", path, "the rule file")
    expected = Path(path).name.rsplit(".", 1)[0]
    if expected != site and not path.startswith("<"):
        raise RuleError(
            path,
            data.line,
            f"site {site!r} does not match the file name",
            f"name the file {site}.yaml",
        )
    match = data.get("match", _Mapping()) or _Mapping()
    if not isinstance(match, _Mapping):
        raise RuleError(path, data.line, "'match' must be a mapping")
    _check_keys(match, _MATCH_KEYS, path, "'match'")
    raw_rules = data.get("rules", []) or []
    if not isinstance(raw_rules, list):
        raise RuleError(path, data.line, "'rules' must be a list")
    rules = tuple(_compile_rule(r, path, site, n) for n, r in enumerate(raw_rules, 1))
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(
                path,
                int(rule.source.rsplit(":", 1)[1]),
                f"duplicate rule id {rule.id!r}",
                f"first defined at {seen[rule.id]}",
            )
        seen[rule.id] = rule.source
    fingerprints = match.get("fingerprints", []) or []
    if not isinstance(fingerprints, list):
        raise RuleError(path, match.line, "'match.fingerprints' must be a list")
    min_score = match.get("min_score", 2)
    if not isinstance(min_score, int | float) or isinstance(min_score, bool) or min_score <= 0:
        raise RuleError(path, match.line, "'match.min_score' must be a positive number")
    compiled = tuple(_compile_fingerprint(f, path, i) for i, f in enumerate(fingerprints))
    _check_fingerprints(compiled, float(min_score), path, match.line)
    language = data.get("language")
    if language is not None:
        _language_code(language, path, data.line, "'language'")
    if "languages" in data and not site.startswith(GENERIC_PREFIX):
        raise RuleError(
            path,
            data.line,
            "'languages' is for generic packs (rules/_name.yaml); a site declares 'language'",
            "use 'language: <code>', or 'languages' on the rules that need it",
        )
    return RuleFile(
        site=site,
        path=path,
        description=str(data.get("description", "")),
        language=language,
        languages=_languages(data.get("languages", []), path, data.line, "'languages'"),
        domains=tuple(
            d.lower() for d in _as_list(match.get("domains", []), path, match.line, "domains")
        ),
        aliases=tuple(
            a.lower() for a in _as_list(match.get("aliases", []), path, match.line, "aliases")
        ),
        fingerprints=compiled,
        min_score=float(min_score),
        disable=frozenset(_as_list(data.get("disable", []), path, data.line, "disable")),
        rules=rules,
        html=_compile_html(data.get("html"), path),
        url_section=_compile_url_section(data, path),
        section_names=_section_names(data, path),
    )


def _section_names(data: _Mapping, path: str) -> tuple[tuple[str, str], ...]:
    """The `section_names` of a rule file: URL slugs and the names the site gives them."""
    names = data.get("section_names", {}) or {}
    if not isinstance(names, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in names.items()
    ):
        raise RuleError(
            path,
            data.line,
            "'section_names' must map URL slugs to section names",
            "e.g. section_names: {sci-tech: Sci-Tech}",
        )
    return tuple(sorted((slug.lower(), name.strip()) for slug, name in names.items()))


def _compile_url_section(data: _Mapping, path: str) -> tuple[regex.Pattern[str], ...]:
    """The `url_section` regexes of a rule file: each must capture a `section` group."""
    if "url_section" not in data:
        return ()
    patterns = []
    for source in _as_list(data["url_section"], path, data.line, "url_section"):
        pattern = compile_regex(source, path, data.line, "url_section")
        if "section" not in pattern.groupindex:
            raise RuleError(
                path,
                data.line,
                "'url_section' must capture the section in a group named 'section'",
                f"pattern {source!r}",
            )
        patterns.append(pattern)
    return tuple(patterns)


def builtin_rules_dir() -> Path:
    """The rule files shipped inside the installed package (or `rules/` of a source checkout)."""
    try:
        return Path(str(importlib.resources.files("cleaner.builtin_rules")))
    except ModuleNotFoundError:  # running from a checkout that was not pip-installed
        return Path(__file__).resolve().parent.parent / "rules"


def iter_rule_paths(directory: Path) -> Iterator[Path]:
    """Rule files in a directory, sorted so loading order never depends on the file system."""
    if not directory.is_dir():
        what = "is a file, not a folder of rule files" if directory.exists() else "no such folder"
        raise RuleError(str(directory), None, f"rules directory: {what}")
    for path in sorted(directory.rglob("*")):
        if path.suffix in RULE_FILE_SUFFIXES and path.is_file():
            yield path


def load_rule_files(
    directories: Iterable[Path], replaced: list[str] | None = None
) -> dict[str, RuleFile]:
    """Load every rule file. A later folder's file for a site replaces an earlier folder's
    whole (a built-in file copied and edited); `replaced`, when given, is told so, one line
    each. Two files of one folder for the same site are an error (a stale copy in a subfolder)."""
    files: dict[str, RuleFile] = {}
    folder_of: dict[str, int] = {}
    for number, directory in enumerate(directories):
        for path in iter_rule_paths(Path(directory)):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise RuleError(str(path), None, f"cannot read: {exc}") from None
            rule_file = parse_rule_file(text, str(path))
            earlier = files.get(rule_file.site)
            if earlier is not None and folder_of[rule_file.site] == number:
                raise RuleError(
                    str(path),
                    None,
                    f"a second rule file for site {rule_file.site!r} in this folder",
                    f"the first is {earlier.path}: keep one, as subfolders are read too",
                )
            if earlier is not None and replaced is not None and not _same_file(path, earlier):
                replaced.append(f"{path} replaces the rules for {rule_file.site} in {earlier.path}")
            files[rule_file.site] = rule_file
            folder_of[rule_file.site] = number
    _check_cross_file(files)
    return files


def _same_file(path: Path, rule_file: RuleFile) -> bool:
    """Whether `path` is the file `rule_file` was read from (the built-in folder given again
    as `--rules rules` in a checkout)."""
    try:
        return path.samefile(rule_file.path)
    except OSError:
        return False


def _check_cross_file(files: dict[str, RuleFile]) -> None:
    """Ids are unique across all files, and `disable` names existing generic rules."""
    owner: dict[str, str] = {}
    for rule_file in files.values():
        for rule in rule_file.rules:
            if rule.id in owner:
                raise RuleError(
                    rule.source.rsplit(":", 1)[0],
                    int(rule.source.rsplit(":", 1)[1]),
                    f"rule id {rule.id!r} is already used",
                    f"by {owner[rule.id]}",
                )
            owner[rule.id] = rule.source
    host_owner: dict[str, RuleFile] = {}
    for rule_file in (f for f in files.values() if not f.is_generic):
        for host in (rule_file.site, *rule_file.domains, *rule_file.aliases):
            other = host_owner.setdefault(host.lower(), rule_file)
            if other is not rule_file:
                raise RuleError(
                    rule_file.path,
                    None,
                    f"domain {host!r} is claimed by site {other.site} too ({other.path})",
                    "a domain belongs to one site: name it in one rule file",
                )
    generic_ids = {r.id for f in files.values() if f.is_generic for r in f.rules}
    for rule_file in files.values():
        for rule_id in sorted(rule_file.disable - generic_ids):
            raise RuleError(
                rule_file.path,
                None,
                f"'disable' names {rule_id!r}, which is no generic rule",
                "'disable' switches off rules of the generic packs (_generic, _page, _lang_*) "
                "for this site; a site's own rule is deleted from its file instead",
            )


def _once_key(value: object, rule_id: str, path: str, line: int, what: str) -> str:
    """The key a `once` rule uses up: its own id for `true`, a name rules share, or ""."""
    if value is True:
        return rule_id
    if value is False:
        return ""
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise RuleError(
        path,
        line,
        f"'once' in {what} must be true, false or a name",
        "e.g. once: opening-dateline, on each rule of which one line at most goes",
    )


def _param_problem(value: object, default: object) -> str | None:
    """What is wrong with a detector parameter, judged by its default: a count must be a
    whole number, a share or a measure a number, and neither below zero (the detectors compare
    them with counts and lengths, and a string there would fail on the first document)."""
    whole = isinstance(default, int)
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        kind = "a whole number" if whole else "a number"
        return f"must be {kind}, not {value!r}"
    if value < 0:
        return f"must not be negative, not {value!r}"
    return None
