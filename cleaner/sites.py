"""Site resolution: which rule file applies to a document.

Order: an explicit site name; the URL's exact host, then its parent domains (so `www.`, `m.`
and `english.` fall through to the registered domain); text fingerprints; generic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .model import CleanWarning
from .prefilter import RegexScreen
from .rules import Fingerprint, RuleFile

URL_SCHEMES = ("http", "https", "")
GENERIC_SITE_NAMES = ("generic", "_generic")  # `--site generic`: the generic rules only
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]+")  # a name (any script) or an IPv6 literal
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)  # "host:443" is a port


@dataclass(frozen=True, slots=True)
class Resolution:
    """The site a document belongs to and how it was found."""

    rule_file: RuleFile | None
    source: str  # "option", "url", "fingerprint" or "generic"
    warnings: tuple[CleanWarning, ...] = ()

    @property
    def site(self) -> str | None:
        return self.rule_file.site if self.rule_file else None


def url_host(url: str) -> str | None:
    """The lower-cased host of a URL (a bare 'example.com/path' is accepted), or None."""
    found = _web_address(url)
    return found[0] if found else None


def _web_address(url: str) -> tuple[str, str] | None:
    """The host and the path of a web URL, or None for another scheme or no host. A bare
    'example.com/path' is accepted when its host has a dot ('notaurl' is no address); with
    '//' any host is ('http://localhost:8000/a', 'https://[::1]/a': a local mirror)."""
    url = url.strip()
    bare = "//" not in url
    if bare:
        if _OTHER_SCHEME.match(url):  # mailto:, javascript:, data: ...
            return None
        url = "//" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not host or not _HOST.fullmatch(host):
        return None
    if bare and "." not in host:
        return None
    return host.rstrip("."), parts.path


def url_section(rule_file: RuleFile | None, url: str | None) -> str | None:
    """The section an address of the site itself files an article under, by its rule file's
    `url_section` ("/arab-world/4838091-..." is "Arab World"), or None. Another host's
    address (an archive's, a cache's) is not read, whatever its path."""
    if rule_file is None or not rule_file.url_section or not url:
        return None
    address = _web_address(url)
    if address is None:
        return None
    host, path = address
    if not on_hosts(host, (rule_file.site, *rule_file.domains, *rule_file.aliases)):
        return None
    for pattern in rule_file.url_section:
        found = pattern.search(unquote(path))
        if found and found.group("section"):
            slug = found.group("section")
            return dict(rule_file.section_names).get(slug.lower()) or section_name(slug)
    return None


def section_name(slug: str) -> str:
    """A section's name from its slug in a URL: words split at hyphens and underscores, a
    word in small letters capitalized ("arab-world": "Arab World", "Politics-": "Politics");
    a rule file's `section_names` spells the others ("sci-tech": "Sci-Tech")."""
    words = [w for w in re.split(r"[-_\s]+", slug) if w]
    return " ".join(w[0].upper() + w[1:] if w.islower() else w for w in words)


def on_hosts(host: str, hosts: Iterable[str]) -> bool:
    """Whether `host` is one of `hosts` or a subdomain of one ("www.dawn.com" of "dawn.com")."""
    own = set(hosts)
    return any(candidate in own for candidate in parent_domains(host))


def parent_domains(host: str) -> list[str]:
    """The host and each parent with at least two labels: a.b.c.com, b.c.com, c.com."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


class SiteIndex:
    """Looks up site rule files by name, host and fingerprints. Immutable once built."""

    def __init__(self, rule_files: Iterable[RuleFile]) -> None:
        self._sites = {f.site: f for f in rule_files if not f.is_generic}
        self._hosts: dict[str, RuleFile] = {}
        for rule_file in self._sites.values():
            for host in (rule_file.site, *rule_file.domains, *rule_file.aliases):
                self._hosts.setdefault(host.lower(), rule_file)
        # Every site's fingerprints in one RE2 set: one scan of the text says which may match.
        self._fingerprints: list[tuple[RuleFile, Fingerprint]] = [
            (rule_file, fp) for rule_file in self._sites.values() for fp in rule_file.fingerprints
        ]
        self._screen = RegexScreen([fp.pattern for _, fp in self._fingerprints])

    @property
    def sites(self) -> dict[str, RuleFile]:
        return dict(self._sites)

    def by_host(self, host: str) -> RuleFile | None:
        for candidate in parent_domains(host):
            if candidate in self._hosts:
                return self._hosts[candidate]
        return None

    def by_fingerprint(self, text: str) -> tuple[RuleFile | None, list[CleanWarning]]:
        """The site whose fingerprints score highest (and at least its `min_score`)."""
        totals: dict[str, float] = {}
        for position in sorted(self._screen.matching(text)):
            rule_file, fp = self._fingerprints[position]
            if fp.pattern.search(text):
                totals[rule_file.site] = totals.get(rule_file.site, 0.0) + fp.weight
        scores = [
            (score, site) for site, score in totals.items() if score >= self._sites[site].min_score
        ]
        if not scores:
            return None, []
        scores.sort(key=lambda s: (-s[0], s[1]))
        if len(scores) > 1 and scores[0][0] == scores[1][0]:
            tied = ", ".join(site for score, site in scores if score == scores[0][0])
            return None, [CleanWarning("ambiguous_site", f"text fingerprints match {tied} equally")]
        return self._sites[scores[0][1]], []

    def resolve(
        self, text: str | Sequence[str], url: str | None = None, site: str | None = None
    ) -> Resolution:
        """Find the rule file for a document; never fails (unknown sites get the generic rules).

        `text` is the document's text or its lines (joined only if fingerprints must decide).
        """
        warnings: list[CleanWarning] = []
        if site and site.lower() in GENERIC_SITE_NAMES:
            return Resolution(None, "option")
        if site:
            found = self._sites.get(site) or self.by_host(site.lower())
            if found:
                return Resolution(found, "option")
            warnings.append(CleanWarning("unknown_site", f"no rule file for site {site!r}"))
        if url:
            host = url_host(url)
            if host is None:
                warnings.append(CleanWarning("bad_url", f"cannot read a web host from URL {url!r}"))
            elif found := self.by_host(host):
                return Resolution(found, "url", tuple(warnings))
        found, more = self.by_fingerprint(text if isinstance(text, str) else "\n".join(text))
        warnings += more
        if found:
            return Resolution(found, "fingerprint", tuple(warnings))
        return Resolution(None, "generic", tuple(warnings))
