"""The Cleaner: loads rules once, then cleans documents in a short chain of named phases.

Phases: segment -> resolve site -> tag language -> line rules -> structure (cuts, story
boundaries, glued stories) -> headline copies -> repeats (caption echoes, repeated lines) ->
overclean guard -> assemble (metadata from what the rules captured) -> notes (metadata read
from the kept lines, for the fields no removal set). The line rules, the three rule phases and
the notes run in engine.py and each pass's result is assembled in assemble.py; this module
plans the phases and settles the passes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from . import assemble
from .detectors import DETECTORS, SETTLED_DETECTORS
from .engine import LineContext, Plan, make_plan, read_notes, run_plan
from .inputs import (
    Decoded,
    InputError,
    decode_bytes,
    decode_html_bytes,
    opens_as_html_page,
    record_field,
    replace_lone_surrogates,
    text_looks_binary,
)
from .language import LanguageDetector
from .model import (
    CleanResult,
    CleanWarning,
    Line,
    Metadata,
    Note,
    Removal,
)
from .normalize import (
    character_references,
    comparable,
    normalize_line,
    split_lines,
)
from .prefilter import ScreenCache
from .rules import HtmlRules, Rule, RuleFile, builtin_rules_dir, load_rule_files
from .sites import Resolution, SiteIndex, url_host, url_section
from .text import Budget, Doc, body_texts, is_body_like, total_chars

if TYPE_CHECKING:
    from .html import Extracted

# Rule folders as Cleaner and CleanerConfig take them: several, one (a name, bytes or a path),
# or None for none.
RuleFolders = Iterable[str | bytes | os.PathLike[str]] | str | bytes | os.PathLike[str] | None

TIME_BUDGET_SECONDS = 10.0  # per document; a rule regex that runs away ends as a timeout error
BUDGET_SECONDS_PER_MILLION_CHARS = 1.0  # long documents get more time, not a timeout
MAX_PASSES = 4  # cleaning the kept lines again until stable (usually 1 or 2 passes)
REFERENCES_SHOWN = 5  # HTML character references a warning names, of those a text holds


class CleanError(ValueError):
    """A document cannot be cleaned (empty, not text, over its time budget)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)

    def __reduce__(self) -> tuple[type[CleanError], tuple[str, str]]:
        # Pickled with both arguments: a worker process's error reaches the pool's caller.
        return (type(self), (self.code, str(self)))


class Cleaner:
    """Cleans scraped articles with the built-in rules plus the user's own.

    Load once and reuse: rule files are parsed and validated in the constructor, which raises
    `RuleError` naming the file and line of the first problem. `clean` is safe to call from
    several threads.
    """

    # What __init__ builds from its arguments: a pickled copy builds them again (__reduce__).
    _BUILT = frozenset(
        {
            "_arguments",
            "replaced_rule_files",
            "rule_files",
            "sites",
            "generic",
            "rules_by_id",
            "_generic_ids",
            "time_budget",
            "language_detector",
            "_screens",
            "_plans",
        }
    )

    def __init__(
        self,
        rules_dirs: RuleFolders = (),
        *,
        builtin_rules: bool = True,
        detect_language: bool = True,
        time_budget: float = TIME_BUDGET_SECONDS,
    ) -> None:
        user_dirs = rule_folders(rules_dirs)
        if isinstance(time_budget, bool) or not isinstance(time_budget, int | float):
            raise TypeError(f"time_budget must be a number of seconds, got {time_budget!r}")
        if not 0 < time_budget < math.inf:
            raise ValueError(
                f"time_budget must be a positive, finite number of seconds, got {time_budget!r}"
            )
        # What a copy in another process (pickle) is built from: it loads the same files.
        self._arguments = (user_dirs, builtin_rules, detect_language, time_budget)
        dirs = [builtin_rules_dir()] if builtin_rules else []
        dirs += [Path(d) for d in user_dirs]
        # "x/dawn.com.yaml replaces the rules for dawn.com in ...": a later folder's file for
        # a site replaces an earlier one's whole; commands print these lines.
        self.replaced_rule_files: list[str] = []
        self.rule_files: dict[str, RuleFile] = load_rule_files(dirs, self.replaced_rule_files)
        self.sites = SiteIndex(self.rule_files.values())
        self.generic: tuple[RuleFile, ...] = tuple(
            f for f in self.rule_files.values() if f.is_generic
        )
        self.rules_by_id: dict[str, Rule] = {
            r.id: r for f in self.rule_files.values() for r in f.rules
        }
        self._generic_ids = frozenset(r.id for f in self.generic for r in f.rules)
        self.time_budget = time_budget
        self.language_detector = LanguageDetector() if detect_language else None
        # RE2 sets of the rule patterns (the generic packs' and each site's) tell which rules
        # a line could match.
        self._screens = ScreenCache(
            [[r for f in self.generic for r in f.rules]]
            + [list(f.rules) for f in self.rule_files.values() if not f.is_generic]
        )
        self._plans: dict[tuple[str | None, str | None, frozenset[str]], Plan] = {}

    def __reduce__(self) -> tuple[Callable[..., Cleaner], tuple[Any, ...], dict[str, Any]]:
        """A Cleaner pickles as its arguments (for multiprocessing, Dask, Spark): the copy
        loads the same rule files again; its compiled patterns and caches are not sent. A
        subclass comes back as itself, with the attributes it added."""
        added = {name: value for name, value in vars(self).items() if name not in self._BUILT}
        return _rebuilt, (type(self), *self._arguments), added

    def screened_rules(self, text: str) -> frozenset[str]:
        """Ids of the rules (of any site) the RE2 screen says may match `text` (their regexes
        then run on it; see prefilter.py)."""
        return self._screens.patterns.matching(text)

    def rules_for(self, rule_file: RuleFile | None, language: str | None) -> list[Rule]:
        """The site's own rules first, then every generic rule it does not switch off."""
        site_rules = list(rule_file.rules) if rule_file else []
        disabled = rule_file.disable if rule_file else frozenset()
        generic = [
            rule
            for pack in self.generic
            if not pack.languages or language in pack.languages
            for rule in pack.rules
            if rule.id not in disabled
        ]
        return [r for r in site_rules + generic if not r.languages or language in r.languages]

    def _plan(
        self, rule_file: RuleFile | None, language: str | None, skip_detectors: frozenset[str]
    ) -> Plan:
        """The rules for a site, language and input kind, their line screen and their phases
        (memoized)."""
        key = (rule_file.site if rule_file else None, language, skip_detectors)
        plan = self._plans.get(key)
        if plan is None:
            rules = [
                r for r in self.rules_for(rule_file, language) if r.detector not in skip_detectors
            ]
            screen = self._screens.get([r for r in rules if r.is_line_rule or r.patterns])
            plan = make_plan(screen, rules)
            self._plans[key] = plan  # a race only builds the same plan twice
        return plan

    def clean(
        self, text: str | bytes, url: str | None = None, site: str | None = None
    ) -> CleanResult:
        """Clean one article given as plain text. Raises CleanError for unusable input.

        Bytes are decoded first (BOM, UTF-8, then detection; see inputs.decode_bytes) and the
        result's `encoding` says which encoding was used.
        """
        _check_hints(url, site)
        if isinstance(text, bytes | bytearray):
            decoded = _decode(bytes(text), decode_bytes)
            return _with_encoding(self.clean(decoded.text, url, site), decoded)
        if not isinstance(text, str):
            raise CleanError("bad_type", f"text must be a string, got {type(text).__name__}")
        text = replace_lone_surrogates(_without_nul(text))
        if opens_as_html_page(text):  # cleaned as text, every tag would be a paragraph
            page = self.clean_html(text, url, site)
            page.warnings.insert(0, _HTML_AS_TEXT)
            return page
        lines = split_lines(text)
        if not lines:
            raise CleanError("empty", "input is empty (no text after whitespace)")
        resolution = self.sites.resolve([line.text for line in lines], url, site)
        unmatched: set[LineContext] = set()
        budget = self._budget_for(lines)  # one deadline for all the passes over the document
        first = self.clean_lines(lines, resolution, unmatched=unmatched, budget=budget)
        settled = self._settled(lines, resolution, first, unmatched, budget)
        result = self._noted(lines, resolution, settled, budget)
        result.warnings += _input_warnings(text, lines)
        return _with_url_section(result, resolution, url)

    def clean_html(
        self, html: str | bytes, url: str | None = None, site: str | None = None
    ) -> CleanResult:
        """Clean one article given as an HTML page: extract the main text, then clean it."""
        # trafilatura is imported only when HTML is cleaned
        from .html import TEXT_ONLY_DETECTORS, split_caption

        _check_hints(url, site)
        decoded = None
        if isinstance(html, bytes | bytearray):
            decoded = _decode(bytes(html), decode_html_bytes)
            html = decoded.text
        if not isinstance(html, str):
            raise CleanError("bad_type", f"html must be a string, got {type(html).__name__}")
        html = replace_lone_surrogates(_without_nul(html))
        if not html.strip():
            raise CleanError("empty", "input is empty (no HTML)")
        known = self.sites.resolve("", url, site)
        # No site given or found: the page's own URL may name it (a page saved without its URL).
        site_of = None if known.rule_file or known.source == "option" else self._html_rules_of
        rule_file = known.rule_file
        page, lines = _extracted(
            html, url, rule_file.html if rule_file else None, known.site, site_of
        )
        resolution = known
        page_url = url or page.url
        if known.rule_file is None and known.source != "option":  # not `--site generic`
            texts = [line.text for line in lines]
            resolution = self.sites.resolve(texts, page_url, site)
            if resolution.source != "url" and url and page.url:
                # The given URL names no site (a mirror, a proxy, 127.0.0.1): the page's own
                # may, as it did for the selectors above.
                by_page = self.sites.resolve(texts, page.url, site)
                if by_page.source == "url":
                    bad_url = tuple(w for w in resolution.warnings if w.code == "bad_url")
                    resolution = replace(by_page, warnings=bad_url + by_page.warnings)
                    page_url = page.url
            found = resolution.rule_file
            if (
                found
                and found.html != HtmlRules()
                and not (page.url and self._html_rules_of(page.url))
            ):
                # Only the text named the site: extracted again, with its selectors.
                page, lines = _extracted(html, url, found.html, found.site, None)
        budget = self._budget_for(lines)
        result = self.clean_lines(
            lines,
            resolution,
            language=page.language,
            skip_detectors=TEXT_ONLY_DETECTORS,
            budget=budget,
        )
        result = self._noted(lines, resolution, result, budget)
        meta = result.metadata
        # What the text's lines said first, then the page's markup, the lines its `meta_lines`
        # select, then its URL.
        meta.published = meta.published or page.published
        meta.modified = meta.modified or page.modified
        meta.section = meta.section or page.section
        if page.meta_lines:
            self._read_meta_lines(page.meta_lines, lines[0], resolution, result, budget)
        result = _with_url_section(result, resolution, page_url)
        rules = self.rules_for(resolution.rule_file, result.language)
        if not meta.authors:
            for name in page.authors:
                house = _house_byline(name, rules)
                if house is None:
                    meta.authors.append(name)
                elif meta.agency is None:  # a wire's name as the page's author
                    meta.agency = house.get("agency")
        caption_rules = [r for r in rules if r.action == "caption"]
        for caption in page.captions:
            assemble.add_caption(meta.captions, split_caption(caption, caption_rules))
        result.removed[:0] = page.stripped  # blocks removed from the page itself (line 0)
        result.warnings += page.warnings
        result.input_format = "html"
        return _with_encoding(result, decoded) if decoded else result

    def _read_meta_lines(
        self,
        texts: list[str],
        title: Line,
        resolution: Resolution,
        result: CleanResult,
        budget: Budget,
    ) -> None:
        """The site's line rules read the page's `meta_lines` (a source and date line outside
        the body: "AFP , Friday 5 Jan 2024") as lines under the headline; what they capture
        fills the fields the text left empty, and the removals are listed at line 0. A line no
        rule takes stays out of the text as well: it was never in the body."""
        lines = [title, *(Line(0, normalize_line(text)) for text in texts)]
        plan = self._plan(resolution.rule_file, result.language, frozenset(DETECTORS))
        doc, _ = self._apply(plan, lines, budget, None)
        read = [doc.removed[i] for i in sorted(doc.removed) if i > 0]
        found, warnings = self._metadata_of(read)
        assemble.fill_empty(result.metadata, found)
        result.removed[:0] = read  # their lines are numbered 0, as the page's own
        result.warnings += warnings

    def _html_rules_of(self, page_url: str) -> tuple[HtmlRules, str] | None:
        """A site's HTML rules and name from a page's own URL (for clean_html)."""
        host = url_host(page_url)
        rule_file = self.sites.by_host(host) if host else None
        return (rule_file.html, rule_file.site) if rule_file else None

    def clean_lines(
        self,
        lines: list[Line],
        resolution: Resolution,
        *,
        language: str | None = None,
        skip_detectors: frozenset[str] = frozenset(),
        unmatched: set[LineContext] | None = None,
        budget: Budget | None = None,
    ) -> CleanResult:
        """Run the cleaning phases on segmented lines for an already resolved site.

        `unmatched` collects the line contexts no line rule matched; passing the same set to a
        later pass over the kept lines skips the lines whose context has not changed.

        `language` is one the input declares (an HTML page's checked `lang`); detection runs
        only without it, and the site's declared language stands in when detection is off or
        finds too little text. `skip_detectors` names detectors that do not apply to this input.
        `budget` is the document's deadline when an earlier step started it.
        """
        warnings = list(resolution.warnings)
        rule_file = resolution.rule_file
        expected = rule_file.language if rule_file else None
        if language is None and self.language_detector is not None:
            # Paragraphs are read only until the sample is full.
            language = self.language_detector.detect(body_texts(lines), expected)
            if language is None and next(body_texts(lines), None) is None:
                # Every line reads as a caption or a label (a briefs column): read them all.
                language = self.language_detector.detect((line.text for line in lines), expected)
        if language is None:
            # Detection off, or too little text to tell: the site's rule file says what its
            # pages are written in, and that language's rules apply.
            language = expected
        elif rule_file and expected and language != expected:
            warnings.append(
                CleanWarning(
                    "language_mismatch",
                    f"text looks like {language!r}, site {rule_file.site} is {expected!r}",
                )
            )
        plan = self._plan(rule_file, language, skip_detectors)
        doc, more = self._apply(plan, lines, budget or self._budget_for(lines), unmatched)
        return self._assembled(lines, doc, resolution, language, warnings + more)

    def _apply(
        self,
        plan: Plan,
        lines: list[Line],
        budget: Budget,
        unmatched: set[LineContext] | None,
        fired: dict[str, int] | None = None,
    ) -> tuple[Doc, list[CleanWarning]]:
        """Run the line rules and the phases of a plan; the Doc holds what they removed.
        `fired`: the `once` keys earlier passes used up (their rules apply no more)."""
        try:
            unmatched = unmatched if unmatched is not None else set()
            return run_plan(plan, lines, budget, unmatched, fired)
        except TimeoutError as exc:  # regex's timeout and our Budget both end up here
            raise CleanError("timeout", f"cleaning took too long: {exc}") from None

    def _assembled(
        self,
        lines: list[Line],
        doc: Doc,
        resolution: Resolution,
        language: str | None,
        warnings: list[CleanWarning],
    ) -> CleanResult:
        """The result of one pass (see assemble.result)."""
        return assemble.result(
            lines, doc, resolution, language, warnings, self.rules_by_id, self._generic_ids
        )

    def _metadata_of(
        self, removed: Sequence[Removal | Note], kept: Sequence[int] = ()
    ) -> tuple[Metadata, list[CleanWarning]]:
        """The metadata that removals or notes captured (see assemble.metadata)."""
        return assemble.metadata(removed, kept, self.rules_by_id, self._generic_ids)

    def _settled(
        self,
        lines: list[Line],
        resolution: Resolution,
        result: CleanResult,
        unmatched: set[LineContext],
        budget: Budget,
    ) -> CleanResult:
        """Clean the kept lines again until nothing more goes, so cleaning is idempotent.

        A second pass can find more: zones (`head`, `tail`) and detectors see the shorter
        text. Removals of every pass are merged, in line order; an overcleaned pass stops.
        """
        # The language was settled by the first pass; detecting it again costs time only, as
        # does running the detectors that find nothing new in their own output.
        plan = self._plan(resolution.rule_file, result.language, SETTLED_DETECTORS)
        for _ in range(MAX_PASSES - 1):
            if not result.removed or _has(result, "overcleaned"):
                break  # the kept lines are the input: a pass over them finds the same
            gone = {removal.line for removal in result.removed}
            kept = [line for line in lines if line.no not in gone]
            fired = {  # result.removed is in line order: the last line of each key wins
                rule.once: removal.line
                for removal in result.removed
                if (rule := self.rules_by_id.get(removal.rule)) is not None and rule.once
            }
            doc, more = self._apply(plan, kept, budget, unmatched, fired)
            if not doc.removed:
                break
            # Something went (a "Short link:" above the real headline, a label that read as a
            # list's intro): the detectors that settle now read a changed text, so the pass
            # runs them too (a few percent of documents get this far).
            full = self._plan(resolution.rule_file, result.language, frozenset())
            doc, more = self._apply(full, kept, budget, unmatched, fired)
            if 0 in doc.removed and is_body_like(kept[0].text):
                # The previous pass took the headline: its first paragraph is the title now,
                # which a `zone: head` rule would take in turn, then the next one.
                break
            again = self._assembled(
                kept, doc, resolution, result.language, [*resolution.warnings, *more]
            )
            if _has(again, "overcleaned"):
                break
            removed = sorted(result.removed + again.removed, key=lambda r: r.line)
            removed_lines = {removal.line for removal in removed}
            metadata, meta_warnings = self._metadata_of(
                removed, [line.no for line in lines if line.no not in removed_lines]
            )
            warnings = [w for w in result.warnings + again.warnings if w.code != "bad_date"]
            result = CleanResult(
                title=again.title,
                paragraphs=again.paragraphs,
                site=result.site,
                site_source=result.site_source,
                language=result.language,
                metadata=metadata,
                removed=removed,
                warnings=list(dict.fromkeys(warnings + meta_warnings)),
            )
        return result

    def _noted(
        self, lines: list[Line], resolution: Resolution, result: CleanResult, budget: Budget
    ) -> CleanResult:
        """Run the plan's note rules on the kept lines: what they read fills the metadata
        fields that no removal set (a removed agency line outranks a credit in the text)."""
        plan = self._plan(resolution.rule_file, result.language, SETTLED_DETECTORS)
        if not plan.notes:
            return result
        gone = {removal.line for removal in result.removed}
        kept = [line for line in lines if line.no not in gone]
        try:
            result.noted = read_notes(plan, kept, budget)
        except TimeoutError as exc:
            raise CleanError("timeout", f"cleaning took too long: {exc}") from None
        if not result.noted:
            return result
        found, warnings = self._metadata_of(result.noted)
        assemble.fill_empty(result.metadata, found)
        result.warnings += warnings
        return result

    def _budget_for(self, lines: list[Line]) -> Budget:
        """The deadline of one document, from now: the base budget, plus more for a very long
        one. Every pass over the document (see _settled) and its notes share it."""
        size = total_chars(lines)
        return Budget(self.time_budget + BUDGET_SECONDS_PER_MILLION_CHARS * size / 1_000_000)


def rule_folders(rules_dirs: RuleFolders) -> tuple[str, ...]:
    """Rule folders as names: several, or one given as a name, bytes or a path (one folder,
    not a string's characters); None is none. TypeError for anything else, ValueError for
    an empty name (an unset setting: never the current folder)."""
    if rules_dirs is None:
        return ()
    if isinstance(rules_dirs, str | bytes | os.PathLike):
        folders: list[object] = [rules_dirs]
    elif isinstance(rules_dirs, bytearray | memoryview):  # not a list of its byte values
        folders = [rules_dirs]
    else:
        try:
            folders = list(rules_dirs)
        except TypeError:
            kind = type(rules_dirs).__name__
            raise TypeError(
                f"rules_dirs must be a folder or a list of folders, got {kind}"
            ) from None
    names = []
    for folder in folders:
        if not isinstance(folder, str | bytes | os.PathLike):
            raise TypeError(
                f"rules_dirs must hold folder names or paths, got {type(folder).__name__}"
            )
        name = os.fsdecode(folder)
        if not name.strip():
            raise ValueError("rules_dirs holds an empty folder name: give a folder, or None")
        names.append(name)
    return tuple(names)


def _rebuilt(
    cls: type[Cleaner],
    rules_dirs: tuple[str, ...],
    builtin_rules: bool,
    detect_language: bool,
    time_budget: float,
) -> Cleaner:
    """A Cleaner unpickled: built from the arguments of the one pickled, as an instance of its
    class (a subclass's own __init__ may take other arguments; pickle then restores the
    attributes it added)."""
    cleaner = cls.__new__(cls)
    Cleaner.__init__(
        cleaner,
        rules_dirs,
        builtin_rules=builtin_rules,
        detect_language=detect_language,
        time_budget=time_budget,
    )
    return cleaner


def _with_url_section(result: CleanResult, resolution: Resolution, url: str | None) -> CleanResult:
    """The section the site's URL names, when the text named none (see `url_section`)."""
    if result.metadata.section is None:
        result.metadata.section = url_section(resolution.rule_file, url)
    return result


def _house_byline(name: str, rules: Iterable[Rule]) -> dict[str, str] | None:
    """What a byline rule reads from a page's author when it is no person: the newsroom
    ("FE Report", "Our Correspondent") or a wire ("Reuters", read as the agency). None for
    a person's name."""
    for rule in rules:
        if rule.kind != "byline" or rule.action != "drop":
            continue
        if any("authors" in pattern.groupindex for pattern in rule.patterns):
            continue
        for pattern in rule.patterns:
            found = pattern.fullmatch(name)
            if found:
                return {k: v for k, v in found.groupdict().items() if v}
    return None


def _check_hints(url: object, site: object) -> None:
    """A URL or site hint must be a string (or None), as the text must."""
    for name, value in (("url", url), ("site", site)):
        if value is not None and not isinstance(value, str):
            raise CleanError("bad_type", f"{name} must be a string, got {type(value).__name__}")


def _extracted(
    html: str,
    url: str | None,
    rules: HtmlRules | None,
    site: str | None,
    site_of: Callable[[str], tuple[HtmlRules, str] | None] | None,
) -> tuple[Extracted, list[Line]]:
    """The page's extraction (see html.extract) and its lines, the headline first."""
    from .html import HtmlError, extract  # trafilatura is imported only when HTML is cleaned

    try:
        page = extract(html, url, rules, site, site_of)
    except HtmlError as exc:
        raise CleanError(exc.code, str(exc)) from None
    except (ValueError, etree.LxmlError) as exc:
        raise CleanError("bad_html", f"cannot parse the HTML: {exc}") from None
    lines = split_lines(page.text)
    if page.title and (not lines or comparable(lines[0].text) != comparable(page.title)):
        lines = [Line(0, normalize_line(page.title)), *lines]
    if not lines or not any(line.no for line in lines):
        raise CleanError("no_article", "no article text found in the HTML")
    return page, lines


_HTML_AS_TEXT = CleanWarning(
    "html_as_text",
    "the text is an HTML page (it opens on '<!DOCTYPE html>' or '<html'): cleaned as HTML",
)


def _has(result: CleanResult, code: str) -> bool:
    return any(warning.code == code for warning in result.warnings)


def _without_nul(text: str) -> str:
    """The text without its NUL characters; binary data given as a string is a CleanError.
    Binary data holds NUL bytes (image and archive headers do), so only a text with a NUL is
    looked at closer."""
    if "\x00" not in text:
        return text
    if text_looks_binary(text):
        message = "binary data given as a string (an image or archive, or control characters)"
        raise CleanError("binary", f"{message}, not text")
    return text.replace("\x00", "")


def _decode(data: bytes, decoder: Callable[[bytes], Decoded]) -> Decoded:
    try:
        return decoder(data)
    except InputError as exc:
        raise CleanError(exc.code, str(exc)) from None


def _input_warnings(text: str, lines: list[Line]) -> list[CleanWarning]:
    """What the text input itself shows: HTML character references (left by a scraper, or a
    story's own words about escaping: told, not decoded, so the text stays as written), and
    JSONL records given as one article (each record would come out as a paragraph; the CLI
    refuses such a file unless told it is text)."""
    warnings = []
    if references := character_references(text):
        shown = ", ".join(dict.fromkeys(references[:REFERENCES_SHOWN]))
        warnings.append(
            CleanWarning(
                "html_references",
                f"{len(references)} HTML character reference(s) in the text ({shown}): did "
                "the scraper leave the page's escaping? They are kept as written",
            )
        )
    if lines[0].text[:1] == "{" and (field := record_field(lines[0].text.encode())):
        warnings.append(
            CleanWarning(
                "records_as_text",
                f"line 1 is a JSON object with a {field!r} field: these look like JSONL "
                "records, not an article (clean each record: records.clean_record)",
            )
        )
    return warnings


def _with_encoding(result: CleanResult, decoded: Decoded) -> CleanResult:
    """Report how the bytes were decoded, and warn when bad bytes had to be replaced."""
    result.encoding = decoded.encoding
    if decoded.replaced:
        first = decoded.text.find("\ufffd")
        line = decoded.text.count("\n", 0, first) + 1
        where = f", the first on line {line}" if first >= 0 else ""
        result.warnings.append(
            CleanWarning(
                "bad_bytes",
                f"bytes that are not valid {decoded.encoding} were replaced by "
                f"{decoded.replaced} U+FFFD character(s){where} (a damaged file, or one in "
                "another encoding)",
            )
        )
    return result


def clean(text: str | bytes, url: str | None = None, site: str | None = None) -> CleanResult:
    """Clean one article with the built-in rules (loads them each call; reuse a Cleaner)."""
    return Cleaner().clean(text, url=url, site=site)
