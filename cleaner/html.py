"""HTML input: decode, parse once, per-site selectors, trafilatura extraction, page metadata.

The page is parsed once with trafilatura's own loader; the site's `strip`, `body` and `title`
selectors (XPath compiled from CSS when the rule file was loaded) run on that tree, and
trafilatura extracts the main text from it. The text then goes through the same phases as
plain-text input (see `Cleaner.clean_html`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from .dates import parse_date
from .inputs import InputError, decode_html_bytes
from .model import Caption, CleanWarning, Removal
from .normalize import normalize_line
from .rules import HTML_STRIP_RULE, HtmlRules, Rule
from .selectors import Selector

# The rule id of what a site's `strip` selectors remove (one per site, listed at line 0).

# Chosen by measurement on benchmarks/html_quality.py (see benchmarks/README.md): comments are
# not the article, and tables often are (statistics, results).
# trafilatura's `fast` mode skips its comparison with readability and jusText: on news pages
# that comparison more often swaps a right extraction for a longer wrong one than it rescues
# a bad one, and it costs half the extraction time. It still runs as a fallback, for the
# extractions that show they went wrong: too little text, or (nearly) all of the page's text.
DEFAULT_EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "fast": True,
}
FALLBACK_MIN_WORDS = 40  # a fast extraction shorter than this gets the full comparison...
FALLBACK_PAGE_SHARE = 0.97  # ...and so does one holding this share of the page's words
# Never page text: dropped before extraction (trafilatura drops them too), so the page's
# word count is of visible text and trafilatura copies a smaller tree.
_NON_TEXT = ("script", "style", "noscript")
# Detectors for flattened text that a page's structure makes unneeded: trafilatura has already
# picked one article, and the glued-story heuristic misreads listicles (product headings, "See
# it now" links) as stories glued on. In HTML, a site's strip/body selectors remove them.
TEXT_ONLY_DETECTORS = frozenset({"glued_story", "repeated_line"})
HTML_SNIFF_CHARS = 16_384  # some markup must appear this early for input to count as HTML
_HTML_SIGN = re.compile(r"<(?:!doctype|html|head|body|meta|title|div|p|article)\b", re.I)
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)
_TITLE_XPATHS = (
    '//meta[@property="og:title"]/@content',
    '//meta[@name="twitter:title"]/@content',
    "//h1",
    "//title",
)
# <meta> keys (name, property or itemprop, lower-cased) in the order they are believed.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastmod")
_SECTION_META = ("article:section",)
_SITE_NAME_META = ("og:site_name", "application-name")
_AUTHOR_META = ("author", "article:author")
# Slower whole-tree lookups, run only when the JSON-LD and <meta> tags name no author.
_AUTHOR_XPATHS = ('//*[@itemprop="author"]//*[@itemprop="name"]', '//a[@rel="author"]')
_JSON_LD = '//script[@type="application/ld+json"]/text()'
_TITLE_SEPARATOR = re.compile(r"\s+[|–—]\s+|\s+-\s+")
CAPTION_TIMEOUT_SECONDS = 1.0  # a caption is one short line; a runaway rule regex gives up
MIN_ARTICLE_CHARS = 25  # less main text than this is a menu or a stub, not an article
_FURNITURE_TAGS = ("aside", "nav", "footer")  # a body selector's match in these is no body
LINK_LIST_MIN_ITEMS = 3  # a list of links this long is navigation or "related stories"...
LINK_LIST_LINK_SHARE = 0.9  # ...when link text is this share of its text, and every item links
MAX_STRIPPED_CHARS = 300  # the audit trail keeps the start of each stripped block
MAX_TITLE_WORDS = 40  # a "title" longer than this is a paragraph, not a headline
HEADLINE_OVERLAP = 0.8  # share of the shorter one's words a reworded headline shares
HEADLINE_EXTRA_WORDS = 12  # a reworded headline may add a subtitle of about this many words
_WORDS = re.compile(r"\w+")
MAX_AUTHOR_CHARS = 80
MAX_AUTHORS = 10
# Languages written in Latin script: a page declaring one of them must be mostly Latin
# letters for the declaration to be believed (templates sometimes declare "en" everywhere).
LATIN_LANGUAGES = frozenset(
    [
        "af",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "en",
        "es",
        "et",
        "eu",
        "fi",
        "fr",
        "ga",
        "gl",
        "hr",
        "hu",
        "id",
        "is",
        "it",
        "lt",
        "lv",
        "ms",
        "nb",
        "nl",
        "nn",
        "no",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
        "sq",
        "sv",
        "sw",
        "tl",
        "tr",
        "vi",
    ]
)
LATIN_SHARE = 0.9
LANGUAGE_SAMPLE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the HTML path hands to the text phases."""

    text: str
    title: str | None
    published: str | None
    authors: list[str]
    captions: list[str]
    modified: str | None = None
    meta_lines: list[str] = field(default_factory=list)  # the site's `meta_lines`, for its rules
    section: str | None = None
    language: str | None = None  # the page's declared <html lang>, primary subtag
    warnings: list[CleanWarning] = field(default_factory=list)
    stripped: list[Removal] = field(default_factory=list)  # blocks removed from the page
    url: str | None = None  # the page's own URL (canonical link or og:url)


# A site's HTML rules and name for a URL, or None when no rule file has that host.
SiteLookup = Callable[[str], tuple[HtmlRules, str] | None]


class HtmlError(ValueError):
    """A page cannot be read as HTML; `code` names why."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def parse_html(html: str) -> etree._Element:
    """Parse a page once with trafilatura's loader; the tree is shared by every step."""
    if not _HTML_SIGN.search(html[:HTML_SNIFF_CHARS]):
        raise HtmlError("not_html", "no HTML markup found (is this plain text?)")
    try:
        tree = load_html(html)
        if tree is None:  # trafilatura's loader gives up on a fragment ("<p>...</p>")
            tree = lxml.html.document_fromstring(html)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise HtmlError("bad_html", f"cannot parse the HTML: {exc}") from None
    if tree is None:
        raise HtmlError("bad_html", "cannot parse the HTML (no document element)")
    return tree


def extract(
    html: str | bytes,
    url: str | None,
    site_rules: HtmlRules | None,
    site: str | None = None,
    site_of: SiteLookup | None = None,
) -> Extracted:
    """Strip the site's furniture selectors, then extract the main text with trafilatura.

    What the site's selectors strip is listed as Removals at line 0 (`<site>.html.strip`);
    lists of links are dropped as part of extraction, like the menus trafilatura drops.
    `site_of`, given when the caller knows no site, looks one up from the page's own URL
    (`<link rel=canonical>` or `og:url`), so a saved page without its URL still gets its
    site's selectors.
    """
    warnings: list[CleanWarning] = []
    if isinstance(html, bytes):
        try:
            html = decode_html_bytes(html).text
        except InputError as exc:
            raise HtmlError(exc.code, str(exc)) from None
    tree = parse_html(html)
    page_url = canonical_url(tree)
    if site_rules is None and site_of is not None and page_url:
        found = site_of(page_url)
        if found is not None:
            site_rules, site = found
    rules = site_rules or HtmlRules()
    # Headline, date and authors are read before stripping: a selector may remove them.
    titles = [t for t in (_first_text(tree, rules.title),) if t] or page_titles(tree)
    # The first element of each (a sidebar's teasers may carry the same class further down).
    meta_lines = [t for s in rules.meta_lines if (t := _first_text(tree, (s,)))]
    facts = page_facts(tree)
    language = _declared_language(tree)
    for element in list(tree.iter(*_NON_TEXT)):
        _drop(element)
    stripped: list[Removal] = []
    for selector in rules.strip:
        for element in _select(tree, selector):
            _strip(element, HTML_STRIP_RULE.format(site=site), "other", stripped)
    for element in link_lists(tree):
        _drop(element)
    body = _body(tree, rules.body)
    if rules.body and body is None:
        names = ", ".join(repr(s.css) for s in rules.body)
        warnings.append(
            CleanWarning(
                "body_selector_missed",
                f"no element with text outside a sidebar, menu or footer matches the site's "
                f"html.body selector(s) {names}; the "
                "text was extracted from the whole page (has the site's layout changed?)",
            )
        )
    # After stripping: a stripped block (a glued next story) takes its captions with it.
    marked = {e for selector in rules.captions for e in _select(tree, selector)}
    caption_elements = _captions(tree, body, marked)
    captions = [c for c in (_text(e) for e in caption_elements) if c]
    for element in caption_elements:
        if element in marked:
            _drop(element)  # its text is a caption's, not the article's
    root = tree if body is None else _standalone(body)
    options = {**DEFAULT_EXTRACT_OPTIONS, **dict(rules.extract)}
    try:
        text = main_text(root, url, options)
    except RecursionError:
        raise HtmlError("too_deep", "the HTML is nested too deeply to extract") from None
    if len(text.strip()) < MIN_ARTICLE_CHARS:
        raise HtmlError(
            "no_article", f"no article in the HTML (main text of {len(text.strip())} characters)"
        )
    if language and not _fits_script(language, text):
        language = None
    title = choose_headline(titles, text)
    return Extracted(
        text,
        title,
        facts.published,
        facts.authors,
        captions,
        facts.modified,
        meta_lines,
        facts.section,
        language,
        warnings,
        stripped,
        page_url,
    )


def main_text(root: etree._Element, url: str | None, options: dict[str, Any]) -> str:
    """trafilatura's main text; a fast extraction that looks wrong is redone in full."""
    text = _trafilatura_text(root, url, options)
    if options.get("fast") and _looks_wrong(text, root):
        full = _trafilatura_text(root, url, {**options, "fast": False})
        if full.strip():
            return full
    return text


def _trafilatura_text(root: etree._Element, url: str | None, options: dict[str, Any]) -> str:
    document = trafilatura.bare_extraction(root, url=url, **options)
    if document is None:
        return ""
    text = document.get("text") if isinstance(document, dict) else document.text
    return text or ""


def _looks_wrong(text: str, root: etree._Element) -> bool:
    words = len(text.split())
    if words < FALLBACK_MIN_WORDS:
        return True
    return words >= FALLBACK_PAGE_SHARE * len(root.xpath("string(//body)").split())


def link_lists(tree: etree._Element) -> list[etree._Element]:
    """Lists whose every item is a link and whose text is nearly all link text.

    Menus, "related stories" and "most read" boxes are such lists; an article's own lists
    carry prose around their links. trafilatura keeps some of them, so they go first.
    """
    found = []
    for element in tree.iter("ul", "ol"):
        items = [child for child in element if child.tag == "li"]
        if len(items) < LINK_LIST_MIN_ITEMS or any(li.find(".//a") is None for li in items):
            continue
        text = len("".join(element.xpath("string()").split()))
        links = sum(len("".join(a.xpath("string()").split())) for a in element.iter("a"))
        if text and links >= LINK_LIST_LINK_SHARE * text:
            found.append(element)
    # Nested lists: drop the outermost only.
    return [e for e in found if not any(a in found for a in e.iterancestors("ul", "ol"))]


def _strip(element: etree._Element, rule: str, kind: str, stripped: list[Removal]) -> None:
    text = _text(element)
    if text:
        stripped.append(Removal(0, text[:MAX_STRIPPED_CHARS], rule, kind))
    _drop(element)


def _body(tree: etree._Element, selectors: tuple[Selector, ...]) -> etree._Element | None:
    """The first element a body selector names, trying them in order, that holds an article's
    worth of text and is not page furniture: an empty placeholder a redesign left behind, or a
    teaser card in a sidebar that took the body's class, is no body."""
    for selector in selectors:
        for element in _select(tree, selector):
            if _holds_text(element, MIN_ARTICLE_CHARS) and not _in_furniture(element):
                return element
    return None


def _in_furniture(element: etree._Element) -> bool:
    """Whether an element is, or sits in, a sidebar, a menu or the page footer."""
    if element.tag in _FURNITURE_TAGS:
        return True
    return next(element.iterancestors(*_FURNITURE_TAGS), None) is not None


def _holds_text(element: etree._Element, chars: int) -> bool:
    """Whether an element holds `chars` characters of text or more (read only that far, not
    the whole body)."""
    found = 0
    for piece in element.itertext():
        found += len(piece.strip())
        if found >= chars:
            return True
    return False


def _select(tree: etree._Element, selector: Selector) -> list[etree._Element]:
    return [e for e in tree.xpath(selector.xpath) if isinstance(e, etree._Element)]


def unmatched_selectors(tree: etree._Element, rules: HtmlRules) -> set[tuple[str, str]]:
    """The (part, css) pairs of a site's `html:` selectors that match nothing on a page
    (`rules check` lists those no golden page matches: a misspelt class, or a layout gone)."""
    parts = {
        "strip": rules.strip,
        "body": rules.body,
        "title": rules.title,
        "captions": rules.captions,
        "meta_lines": rules.meta_lines,
    }
    return {
        (part, selector.css)
        for part, selectors in parts.items()
        for selector in selectors
        if not _select(tree, selector)
    }


def _drop(element: etree._Element) -> None:
    """Remove an element but keep its tail text (the text after it belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _captions(
    tree: etree._Element, body: etree._Element | None, marked: set[etree._Element]
) -> list[etree._Element]:
    """The page's captions, in document order: <figcaption> elements and those the site's
    `captions` selectors mark. With a selected body, those in it and above it (a header
    picture's), not those under it (a next story's, a sidebar's)."""

    def is_caption(element: etree._Element) -> bool:
        return element.tag == "figcaption" or element in marked

    if body is None:
        return [e for e in tree.iter() if is_caption(e)]
    above: list[etree._Element] = []
    for element in tree.iter():  # in document order: what comes before the body is above it
        if element is body:
            break
        if is_caption(element):
            above.append(element)
    return above + [e for e in body.iter() if is_caption(e)]


def _standalone(element: etree._Element) -> etree._Element:
    """The body element alone in a fresh page, so extraction sees nothing else. It goes in an
    <article>: a <div> straight under <body> loses its headings and lists to trafilatura,
    which reads them as the page's furniture."""
    page = lxml.html.document_fromstring("<html><body><article></article></body></html>")
    page.body[0].append(element)  # moves it; the rest of the page is no longer needed
    return page


def _text(element: etree._Element) -> str:
    return normalize_line(" ".join(element.xpath("string()").split()))


def _first_text(tree: etree._Element, selectors: tuple[Selector, ...]) -> str | None:
    for selector in selectors:
        for element in _select(tree, selector):
            text = _text(element)
            if text:
                return text
    return None


def page_titles(tree: etree._Element) -> list[str]:
    """Headline candidates from the page: og:title, twitter:title, <h1>, then <title>.

    Open Graph and <title> often end in " | Site name": that suffix is cut when the rest of
    the title is long enough to be a headline on its own.
    """
    titles = []
    for xpath in _TITLE_XPATHS:
        for value in tree.xpath(xpath)[:1]:
            text = value if isinstance(value, str) else value.xpath("string()")
            text = normalize_line(" ".join(str(text).split()))
            if text and len(text.split()) <= MAX_TITLE_WORDS:
                titles.append(_strip_site_suffix(text) if xpath != "//h1" else text)
    return titles


def choose_headline(candidates: list[str], text: str) -> str | None:
    """The extracted text's own first line when it is one of the candidates, reworded or not.

    Pages word the headline differently in <h1>, og:title and <title>; when the text already
    opens with a version of it, that line is the headline (not body text under another copy).
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first and any(_same_headline(first, c) for c in candidates):
        return normalize_line(first)
    return candidates[0] if candidates else None


def _same_headline(line: str, title: str) -> bool:
    """Whether a line is the title reworded: nearly all its words, a short subtitle at most.

    A line ending in a full stop is a lede sentence that retells the headline, not a copy.
    """
    if line.rstrip().endswith("."):
        return False
    words, title_words = set(_WORDS.findall(line.lower())), set(_WORDS.findall(title.lower()))
    if not words or not title_words or len(words) > len(title_words) + HEADLINE_EXTRA_WORDS:
        return False
    return len(words & title_words) >= HEADLINE_OVERLAP * len(title_words)


def _strip_site_suffix(title: str) -> str:
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and len(parts[0].split()) >= 3 and len(parts[-1].split()) <= 4:
        return title[: title.rfind(parts[-1])].rstrip(" |-–—")
    return title


@dataclass(frozen=True)
class PageFacts:
    """What a page says of its article in its markup: JSON-LD, meta tags, microdata."""

    published: str | None = None  # ISO 8601
    modified: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)


def page_facts(tree: etree._Element) -> PageFacts:
    """Dates, section and authors from JSON-LD, meta tags and microdata.

    For each field, sources are tried in order and the first that gives anything wins, so a
    sidebar's author links never add to the article's own byline. The publisher is no
    author: a JSON-LD author that is an Organization, or a name that is the site's own
    ("Asharq Al-Awsat", "Dawn.com"), is left out.
    """
    ld = _json_ld(tree)
    meta = _meta_tags(tree)
    published = _first_date(ld.get("datePublished"), meta, _DATE_META)
    if published is None:
        dates = (str(t.get("datetime")) for t in tree.iter("time") if t.get("datetime"))
        published = next((d for d in map(_iso_date, dates) if d), None)
    section = ld.get("articleSection")
    if isinstance(section, list):
        section = next((s for s in section if isinstance(s, str)), None)
    if not isinstance(section, str) or not section.strip():
        section = next((meta[key] for key in _SECTION_META if key in meta), None)
    publisher = ld.get("publisher")
    houses = {
        _name_key(name)
        for name in (
            *(meta[key] for key in _SITE_NAME_META if key in meta),
            publisher.get("name") if isinstance(publisher, dict) else None,
        )
        if isinstance(name, str)
    }
    sources: list[Iterable[str]] = [
        _ld_authors(ld.get("author")),
        [meta[key] for key in _AUTHOR_META if key in meta],
    ]
    sources += [(_text(e) for e in tree.xpath(xpath)) for xpath in _AUTHOR_XPATHS]
    authors: list[str] = []
    for names in sources:  # generators: a later source is only searched when needed
        for name in (" ".join(str(n).split()) for n in names):
            if (
                name
                and len(name) <= MAX_AUTHOR_CHARS
                and "://" not in name
                and _name_key(name) not in houses
                and name not in authors
            ):
                authors.append(name)
        if authors:
            break
    return PageFacts(
        published=published,
        modified=_first_date(ld.get("dateModified"), meta, _MODIFIED_META),
        section=" ".join(section.split()) if isinstance(section, str) else None,
        authors=authors[:MAX_AUTHORS],
    )


def _first_date(ld_value: object, meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    """The first readable date of a JSON-LD value and the meta tags `keys`, as ISO 8601."""
    raw = [ld_value] if isinstance(ld_value, str) else []
    raw += [meta[key] for key in keys if key in meta]
    return next((d for d in map(_iso_date, raw) if d), None)


def _name_key(name: str) -> str:
    """A name to compare with the site's: letters and digits only, case-folded, no web
    suffix ("DAWN.COM" and "Dawn.com" are "dawn"; "Press TV" and "PressTV" alike)."""
    key = "".join(char for char in name.casefold() if char.isalnum())
    return key.removesuffix("com") if name.casefold().endswith(".com") else key


def canonical_url(tree: etree._Element) -> str | None:
    """The page's own URL: `<link rel="canonical">`, else the `og:url` meta tag."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return _meta_tags(tree).get("og:url")


def _meta_tags(tree: etree._Element) -> dict[str, str]:
    """The first content of each <meta> name/property/itemprop, keys lower-cased."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (element.get(attribute) or "").lower()
            if key and key not in found:
                found[key] = content
    return found


def _iso_date(raw: str) -> str | None:
    # Machine-readable dates (ISO 8601) are year first; never read them day first.
    return parse_date(raw, dayfirst=False)


def _json_ld(tree: etree._Element) -> dict[str, object]:
    """The first JSON-LD object that describes an article (or the first object at all)."""
    first: dict[str, object] = {}
    for script in tree.xpath(_JSON_LD):
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):
            continue
        items = (
            data
            if isinstance(data, list)
            else data.get("@graph", [data])
            if isinstance(data, dict)
            else []
        )
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = str(item.get("@type", ""))
            if "Article" in kind or "Posting" in kind:
                return item
            first = first or item
    return first


def _ld_authors(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "Organization" in str(value.get("@type", "")):
            return []  # the publisher, or a wire: no person's byline
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _ld_authors(v)]
    return []


def _declared_language(tree: etree._Element) -> str | None:
    root = tree.getroottree().getroot()
    match = _LANG.match(str(root.get("lang") or root.get("xml:lang") or "").strip())
    return match.group(1).lower() if match else None


def _fits_script(language: str, text: str) -> bool:
    """Whether a declared language is believable for the extracted text's script."""
    if language not in LATIN_LANGUAGES:
        return False  # other scripts: let detection decide
    letters = [c for c in text[:LANGUAGE_SAMPLE_CHARS] if c.isalpha()]
    latin = sum(1 for c in letters if c < "\u0250")
    return bool(letters) and latin >= LATIN_SHARE * len(letters)


def split_caption(text: str, rules: list[Rule]) -> Caption:
    """A <figcaption> read with the site's caption rules, so its credit goes apart as in text.

    "Police at the site. (AP Photo/Hadi Mizban)" -> Caption("Police at the site.",
    "AP Photo/Hadi Mizban") when a caption rule's `caption` and `credit` groups match it.
    """
    for rule in rules:
        for pattern in rule.patterns:
            try:
                found = pattern.search(text, timeout=CAPTION_TIMEOUT_SECONDS)
            except TimeoutError:
                continue
            if found and found.groupdict().get("caption"):
                credit = (found.groupdict().get("credit") or "").strip() or None
                return Caption(found["caption"].strip(), credit)
    return Caption(text)
