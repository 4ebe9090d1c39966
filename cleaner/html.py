"""HTML input: per-site selectors, trafilatura main-content extraction, then the text phases."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

from .rules import HtmlRules

# Measured on the benchmark in benchmarks/html_quality.py; see benchmarks/README.md.
DEFAULT_EXTRACT_OPTIONS: dict[str, object] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
}


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the HTML path hands to the text phases."""

    text: str
    title: str | None
    published: str | None
    authors: list[str]
    captions: list[str]


def parse_html(html: str | bytes) -> etree._Element:
    """Parse a page once; the tree is shared by the selectors and trafilatura."""
    if isinstance(html, str):
        # lxml refuses str input that carries an XML encoding declaration.
        html = html.encode("utf-8")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    tree = lxml.html.fromstring(html, parser=parser)
    if tree is None:
        raise ValueError("no HTML element found")
    return tree


def extract(html: str | bytes, url: str | None, site_rules: HtmlRules | None) -> Extracted:
    """Strip the site's furniture selectors, then extract the main text with trafilatura."""
    tree = parse_html(html)
    captions = [" ".join(c.text_content().split()) for c in tree.iter("figcaption")]
    if site_rules:
        for selector in site_rules.strip:
            for element in tree.cssselect(selector):
                element.drop_tree()
    options = {**DEFAULT_EXTRACT_OPTIONS, **dict(site_rules.extract if site_rules else ())}
    document = trafilatura.bare_extraction(tree, url=url, with_metadata=True, **options)
    if document is None:
        return Extracted("", None, None, [], [c for c in captions if c])
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return Extracted(
        text=document.text or "",
        title=document.title,
        published=document.date,
        authors=authors,
        captions=[c for c in captions if c],
    )
