"""A pass's result from what its rules removed: the kept lines (title, then paragraphs), the
removals in line order, and the metadata their named groups captured (dates parsed, authors
split, one caption per picture), with the warnings the result itself calls for.

Cleaner (core.py) runs the passes; this module assembles each one, once per document, and is
compiled with the engine (see setup.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Mapping, Sequence

from .dates import parse_date
from .engine import overcleaned
from .model import (
    DATE_FIELDS,
    LIST_FIELDS,
    TEXT_FIELDS,
    Caption,
    CleanResult,
    CleanWarning,
    Line,
    Metadata,
    Note,
    Removal,
)
from .normalize import word_count
from .rules import Rule
from .sites import Resolution
from .text import (
    BODY_MIN_WORDS,
    Doc,
    ends_like_sentence,
    is_body_like,
    is_headline_like,
)

NO_HEADLINE_WORDS = 40  # a first line this long is a paragraph, not a headline
ERROR_PAGE_MAX_WORDS = 80  # a kept text this short that says "Page not found" is no article
# What a server's error page says instead of an article (English, German, French, Spanish,
# Italian, Portuguese, Arabic). A bare "404" is a toll or a price; "access denied" a brief's
# words ("access denied to journalists"): only alone on their line are they an error page's.
_ERROR_PAGE = re.compile(
    r"\b(?:error 404|404 (?:error|not found|page)|page not found|not found on this server|"
    r"the page you(?: are| were|['’]re) looking for|the (?:page|article) you requested|"
    r"(?:page|article) (?:could not|cannot|can['’]t) be found|"
    r"this (?:page|article) (?:is no longer available|no longer exists|does not exist|"
    r"has been removed)|403 forbidden|internal server error|502 bad gateway|"
    r"seite nicht gefunden|seite konnte (?:leider )?nicht gefunden werden|page introuvable|"
    r"la page (?:demandée )?n['’]existe (?:pas|plus)|p[áa]gina no encontrada|"
    r"pagina non trovata|p[áa]gina n[ãa]o encontrada)|الصفحة غير موجودة|"
    # A bot check or a script wall in place of the page (Cloudflare, Akamai, PerimeterX): its
    # line opens on its words, where a story quotes them.
    r"^(?:verifying you are human|checking (?:if the site connection is secure|your browser)|"
    r"\S+ needs to review the security of your connection|please enable (?:javascript|cookies)|"
    r"enable javascript and cookies to continue|you have been blocked|"
    r"are you a robot|press (?:&|and) hold to confirm you are a human)\b|"
    r"^(?:404|access denied|forbidden|not found|just a moment\.{0,3}|attention required!?)\.?$",
    re.IGNORECASE,
)
# "and" in the languages the rules read: "A und B", "A et B", "A y B".
_AUTHOR_SPLIT = (" and ", ", ", " & ", " und ", " et ", " y ")
# Removals that are never a headline taken by mistake: a breadcrumb, a menu, a stamp, a share
# bar, another story.
_NEVER_HEADLINES = frozenset({"navigation", "timestamp", "share", "other-story", "advertisement"})
# The fields of one value, in the order they are filled.
_DATE_FIELDS = sorted(DATE_FIELDS)
_TEXT_FIELDS = sorted(TEXT_FIELDS)
_LIST_FIELDS = sorted(LIST_FIELDS)


def result(
    lines: list[Line],
    doc: Doc,
    resolution: Resolution,
    language: str | None,
    warnings: list[CleanWarning],
    rules_by_id: Mapping[str, Rule],
    generic_ids: Collection[str],
) -> CleanResult:
    """The result of one pass: kept lines, removals and the metadata they captured."""
    kept = doc.kept()
    if overcleaned(lines, kept):
        # Every line stays: a glued story a warning says was removed is in the text after all.
        warnings[:] = [warning for warning in warnings if warning.code != "glued_story"]
        warnings.append(
            CleanWarning(
                "overcleaned",
                f"rules would keep {len(kept)} of {len(lines)} lines; keeping every input line",
            )
        )
        kept, doc.removed = tuple(range(len(lines))), {}
    removed = [doc.removed[i] for i in sorted(doc.removed)]
    found, meta_warnings = metadata(removed, [lines[i].no for i in kept], rules_by_id, generic_ids)
    title = lines[kept[0]].text if kept else ""
    if len(kept) == 1 and len(lines) > 1:
        warnings.append(
            CleanWarning(
                "no_body",
                f"only the headline is left of {len(lines)} lines: the input holds no "
                "article text (a page of furniture?)",
            )
        )
    elif len(kept) > 1 and not any(_reads_as_text(lines[i].text) for i in kept[1:]):
        warnings.append(
            CleanWarning(
                "no_body",
                "no line under the headline is a sentence or a paragraph: the input may hold "
                "no article text (a page of links, a menu, an error page?)",
            )
        )
    if kept and (found_error := _error_page([lines[i].text for i in kept])):
        warnings.append(
            CleanWarning(
                "error_page",
                f"the text reads as a server's error page or bot check ({found_error!r}), not an "
                "article: check what the scraper fetched",
            )
        )
    if word_count(title) > NO_HEADLINE_WORDS:
        warnings.append(
            CleanWarning("no_headline", "the first kept line is long prose, not a headline")
        )
    elif kept and is_body_like(title) and not title.endswith("?"):  # a question heads
        warnings += _headline_taken(lines, doc, kept[0])
    return CleanResult(
        title=title,
        paragraphs=[lines[i].text for i in kept[1:]],
        site=resolution.site,
        site_source=resolution.source,
        language=language,
        metadata=found,
        removed=removed,
        warnings=warnings + meta_warnings,
    )


def metadata(
    removed: Sequence[Removal | Note],
    kept: Sequence[int],
    rules_by_id: Mapping[str, Rule],
    generic_ids: Collection[str],
) -> tuple[Metadata, list[CleanWarning]]:
    """Metadata from the named groups of the removals that survived (or of the notes): for
    a field of one value, a site rule's capture first (the site's own date line outranks a
    generic rule's reading of a date), then in line order; authors and captions in the
    order of the text. `kept` holds the numbers of the lines kept, which tell a caption
    shown again from another picture's (see `add_caption`)."""
    meta = Metadata()
    warnings: list[CleanWarning] = []
    captures = [removal for removal in removed if removal.captured]  # most capture nothing
    if not captures:
        return meta, warnings
    for removal in sorted(captures, key=lambda r: r.rule in generic_ids):
        captured = dict(removal.captured)
        rule = rules_by_id.get(removal.rule)
        for field in _DATE_FIELDS:
            if field not in captured:
                continue
            value = parse_date(captured[field], dayfirst=rule.dayfirst if rule else True)
            if value is None:
                warnings.append(
                    CleanWarning(
                        "bad_date",
                        f"line {removal.line}: {field} {captured[field]!r} is not a date",
                    )
                )
            elif getattr(meta, field) is None:
                setattr(meta, field, value)
        for field in _TEXT_FIELDS:
            if field in captured and getattr(meta, field) is None:
                setattr(meta, field, captured[field])
    last_copy: list[int] = []  # of each caption, the line of its last copy
    for removal in sorted(captures, key=lambda r: r.line):
        captured = dict(removal.captured)
        for field in _LIST_FIELDS:
            for name in split_names(captured.get(field, "")):
                if name not in meta.authors:
                    meta.authors.append(name)
        if "caption" in captured:
            caption = Caption(captured["caption"], captured.get("credit"))
            add_caption(meta.captions, caption, last_copy, removal.line, kept)
    return meta, warnings


def fill_empty(meta: Metadata, found: Metadata) -> None:
    """Set the fields of `meta` that are still empty (no captions) from `found`."""
    for name in _DATE_FIELDS + _TEXT_FIELDS:
        if getattr(meta, name) is None:
            setattr(meta, name, getattr(found, name))
    meta.authors = meta.authors or found.authors


def split_names(value: str) -> list[str]:
    """The names of an authors capture ("A and B", "A, B & C", "A und B")."""
    names = [value]
    for sep in _AUTHOR_SPLIT:
        names = [part for name in names for part in name.split(sep)]
    return [n.strip() for n in names if n.strip()]


def add_caption(
    captions: list[Caption],
    new: Caption,
    last_copy: list[int] | None = None,
    line: int = 0,
    kept: Sequence[int] = (),
) -> None:
    """Keep one caption per picture: a copy merges, keeping the longer text and the credit.

    A copy shown next to the first (nothing kept between them: `last_copy` holds each
    caption's last line, `kept` the kept lines) has the same text, or one text is the start
    of the other (alt text over its caption), whatever its credit. Further down, a copy has
    the same text and no other credit: a name that opens a later caption ("Name (L) meets
    ..."), or the same words credited to another agency, belong to another picture. Without
    lines (an HTML page's figures) a copy is any caption whose text starts the other's.
    """
    for i, old in enumerate(captions):
        if not (old.text.startswith(new.text) or new.text.startswith(old.text)):
            continue
        next_to = last_copy is None or not _kept_between(kept, last_copy[i], line)
        other_credit = old.credit and new.credit and old.credit != new.credit
        if not next_to and (old.text != new.text or other_credit):
            continue
        longer = old.text if len(old.text) >= len(new.text) else new.text
        captions[i] = Caption(longer, old.credit or new.credit)
        if last_copy is not None:
            last_copy[i] = line
        return
    captions.append(new)
    if last_copy is not None:
        last_copy.append(line)


def _kept_between(kept: Sequence[int], first: int, last: int) -> bool:
    """Whether a kept line lies between lines `first` and `last` (`kept` is sorted)."""
    return bisect.bisect_right(kept, first) < bisect.bisect_left(kept, last)


def _error_page(texts: list[str]) -> str | None:
    """The words of an error page's message in a short kept text ("Page not found"), or None
    (an article about 404 errors is longer than an error page)."""
    words = 0
    for text in texts:  # most texts are longer: counted only as far as the limit
        words += word_count(text)
        if words > ERROR_PAGE_MAX_WORDS:
            return None
    for text in texts:
        found = _ERROR_PAGE.search(text)
        if found:
            return found.group(0)
    return None


def _reads_as_text(text: str) -> bool:
    """A line of an article's text: a sentence, or a paragraph long enough without a stop
    ("... fire between border forces. — AFP"); a menu, a share bar or a list item is neither."""
    return ends_like_sentence(text) or word_count(text) >= 2 * BODY_MIN_WORDS


def _headline_taken(lines: list[Line], doc: Doc, title: int) -> list[CleanWarning]:
    """A warning when the title is a sentence of the text and a rule took a headline-shaped
    line above it: the scrape had no headline, or a rule took it as page-top furniture."""
    for index in range(title):
        text = lines[index].text
        removal = doc.removed.get(index)
        if (
            removal
            and removal.kind not in _NEVER_HEADLINES
            and text[:1].isupper()  # not "a year ago"
            and is_headline_like(text, 3, True)
        ):
            return [
                CleanWarning(
                    "no_headline",
                    f"the title is a sentence of the text; rule {removal.rule} took "
                    f"{text[:60]!r} (line {lines[index].no}) above it: was it the headline?",
                )
            ]
    return []
