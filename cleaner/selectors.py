"""CSS selectors of the rule files' `html:` sections, translated once to XPath for lxml.

Translating at rule-load time means a selector that does not parse is a rule-file error, and
applying one is a plain `tree.xpath(...)` on the tree trafilatura extracts from, so each page
is parsed once (no second parse into BeautifulSoup).
"""

from __future__ import annotations

from dataclasses import dataclass

from cssselect import HTMLTranslator, SelectorError

# HTML semantics: element and attribute names compare case-insensitively.
_TRANSLATOR = HTMLTranslator()


@dataclass(frozen=True, slots=True)
class Selector:
    """A CSS selector and the XPath it compiles to."""

    css: str
    xpath: str


def compile_selector(css: str) -> Selector:
    """Translate one CSS selector to XPath. Raises ValueError naming the problem."""
    if not css.strip():
        raise ValueError("empty CSS selector")
    try:
        xpath = _TRANSLATOR.css_to_xpath(css)
    except SelectorError as exc:
        raise ValueError(f"CSS selector {css!r} does not parse: {exc}") from None
    return Selector(css, xpath)
