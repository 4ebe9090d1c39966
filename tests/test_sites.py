"""Site resolution: option, URL host and parent domains, fingerprints, generic."""

from __future__ import annotations

import pytest

from cleaner.rules import parse_rule_file
from cleaner.sites import parent_domains, section_name, url_host, url_section

from conftest import GOLDEN

BODY = "A body paragraph that is long enough to be prose, and it says nothing about sites."


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.dawn.com/news/1811234/iraq", "dawn.com"),
        ("http://dawn.com/x", "dawn.com"),
        ("https://images.dawn.com/news/1", "dawn.com"),  # alias
        ("https://english.dawn.com/x", "dawn.com"),  # english. falls through
        ("https://m.presstv.ir/Detail/2024/02/09/1", "presstv.ir"),
        ("https://www.presstv.tv/Detail/2024/02/09/1", "presstv.ir"),  # a mirror its footer names
        ("https://english.aawsat.com/arab-world/4835", "english.aawsat.com"),
        ("https://www.english.aawsat.com/x", "english.aawsat.com"),
        ("https://english.ahram.org.eg/NewsContent/1/2/3.aspx", "english.ahram.org.eg"),
        ("https://today.thefinancialexpress.com.bd/first-page/x", "thefinancialexpress.com.bd"),
        ("thefinancialexpress.com.bd/world/x", "thefinancialexpress.com.bd"),  # no scheme
        ("HTTPS://WWW.DAWN.COM:443/news/1", "dawn.com"),
    ],
)
def test_url_resolution(cleaner, url, site):
    result = cleaner.clean(f"Headline\n\n{BODY}", url=url)
    assert (result.site, result.site_source) == (site, "url")


def test_site_option_wins_over_url(cleaner):
    result = cleaner.clean(f"Headline\n\n{BODY}", site="presstv.ir")
    assert (result.site, result.site_source) == ("presstv.ir", "option")


def test_site_option_accepts_a_host(cleaner):
    assert cleaner.clean(f"Headline\n\n{BODY}", site="www.dawn.com").site == "dawn.com"


def test_site_generic_means_generic_rules_only(cleaner):
    seed = (GOLDEN / "dawn.com" / "000_5b8db5094a4bffc0.txt").read_text()
    result = cleaner.clean(seed, site="generic")
    assert (result.site, result.site_source) == (None, "option")


def test_unknown_site_warns_and_goes_generic(cleaner):
    result = cleaner.clean(f"Headline\n\n{BODY}", site="example.org")
    assert (result.site, result.site_source) == (None, "generic")
    assert [w.code for w in result.warnings] == ["unknown_site"]


@pytest.mark.parametrize("url", ["ftp://dawn.com/x", "javascript:alert(1)", "http://[::1", "::::"])
def test_bad_url_warns(cleaner, url):
    result = cleaner.clean(f"Headline\n\n{BODY}", url=url)
    assert result.site_source == "generic"
    assert "bad_url" in [w.code for w in result.warnings]


def test_unknown_host_falls_back_to_fingerprints(cleaner):
    text = "Headline\n\nShort link:\n\n" + BODY + "\n\nAFP , Friday 5 Jan 2024"
    result = cleaner.clean(text, url="https://mirror.example.net/a")
    assert (result.site, result.site_source) == ("english.ahram.org.eg", "fingerprint")


def test_plain_text_is_generic(cleaner):
    result = cleaner.clean(f"Headline\n\n{BODY}")
    assert (result.site, result.site_source) == (None, "generic")


def test_single_weak_fingerprint_is_not_enough(cleaner):
    # "Source link" alone (weight 1) is below dawn.com's min_score of 2.
    result = cleaner.clean(f"Headline\n\n{BODY}\n\nSource link")
    assert result.site is None


@pytest.mark.parametrize(
    ("lines", "site"),
    [
        # Another site's dateline and wire credits are not Ahram's source line or Dawn's
        # captions (round-45 users' probe: both took an unknown site's article).
        (["By Jane Doe, Transport Correspondent", "London, Friday 5 January 2024"], None),
        (["Rail services were suspended until midday, the railway said. — AFP"], None),
        (["Analysts said the market remained nervous. — Reuters", "Source link"], "dawn.com"),
        (["Workers repair a power line in Karachi on Monday. — PPI"], "dawn.com"),
        (["Ahram Online , Friday 5 Jan 2024"], "english.ahram.org.eg"),
    ],
)
def test_fingerprints_tell_a_sites_own_furniture_from_lookalikes(cleaner, lines, site):
    text = "Headline\n\n" + "\n\n".join([*lines, BODY])
    found = cleaner.sites.resolve(text).rule_file
    assert (found.site if found else None) == site


def test_url_host_and_parents():
    assert url_host("https://Sub.Example.co.uk./a?b") == "sub.example.co.uk"
    assert url_host("mailto:x@y.com") is None
    assert url_host("localhost") is None  # a bare word is no address...
    # ...but a local mirror's address is one, by name or by IPv6 literal
    assert url_host("http://localhost:8000/a") == "localhost"
    assert url_host("https://[::1]:8080/a") == "::1"
    assert url_host("https://[::1") is None
    assert parent_domains("a.b.example.com") == ["a.b.example.com", "b.example.com", "example.com"]


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("arab-world", "Arab World"),
        ("Politics-", "Politics"),
        ("sci_tech", "Sci Tech"),
        ("Sci-Tech", "Sci Tech"),
        ("GCC", "GCC"),
        ("national", "National"),
    ],
)
def test_section_name_from_a_url_slug(slug, name):
    assert section_name(slug) == name


def _site(keys: str):
    """A rule file of the site x.com with these file keys."""
    return parse_rule_file(f"site: x.com\n{keys}", "rules/x.com.yaml")


def test_url_section_reads_the_path_of_a_site_address():
    rules = _site("url_section: ['^/(?!home/)(?P<section>[a-z]+(?:-[a-z]+)*)/\\d+-']\n")
    assert url_section(rules, "https://x.com/arab-world/4838091-a-story?ref=home") == "Arab World"
    assert url_section(rules, "x.com/arab%2Dworld/4838091-a-story") == "Arab World"
    for url in ("https://x.com/home/article/4205286/a-story", "not a url", "", None):
        assert url_section(rules, url) is None
    # Another host's address is not the site's, whatever its path (an archive, a cache).
    assert url_section(rules, "https://web.archive.org/world/1-https://x.com/world/1-a") is None
    assert url_section(rules, "https://m.x.com/world/1-a") == "World"  # a host of the site
    assert url_section(None, "https://x.com/world/1-a") is None  # no rule file, no section


def test_a_rule_file_spells_the_sections_its_slugs_do_not_say():
    rules = _site("url_section: '^/(?P<section>[a-z-]+)/'\nsection_names: {Sci-Tech: Sci-Tech}\n")
    assert url_section(rules, "https://x.com/sci-tech/a") == "Sci-Tech"
    assert url_section(rules, "https://x.com/arab-world/a") == "Arab World"


def test_the_url_names_the_section_only_when_the_text_does_not(cleaner):
    text = (GOLDEN / "thefinancialexpress.com.bd" / "001_e7747d4292e8f7db.txt").read_text()
    url = "https://thefinancialexpress.com.bd/economy/bangladesh/a-story"
    assert cleaner.clean(text, url=url).metadata.section == "World"  # the label in the text
    aawsat = (GOLDEN / "english.aawsat.com" / "002_0441c39100e03f10.txt").read_text()
    url = "https://english.aawsat.com/arab-world/4838091-iraq-us-led-coalition"
    assert cleaner.clean(aawsat, url=url).metadata.section == "Arab World"
    assert cleaner.clean(aawsat).metadata.section is None


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://english.aawsat.com/arab-world/4838091-iraq-coalition", "Arab World"),
        ("https://english.aawsat.com/home/article/4205286/saudi-arabia-iran", None),
        ("https://english.ahram.org.eg/NewsContent/1/64/496123/Egypt/Politics-/x.aspx", "Egypt"),
        (
            "https://english.ahram.org.eg/NewsContent/50/1201/526564/AlAhram-Weekly/World/x.aspx",
            "World",
        ),
        ("https://english.ahram.org.eg/NewsContentP/3/502345/Business/x.aspx", "Business"),
        ("https://english.ahram.org.eg/newscontent/6/52/539876/sports/omni-sport/x.aspx", "Sports"),
        (
            "https://english.ahram.org.eg/NewsContent/5/32/535678/Arts--Culture/Film/x.aspx",
            "Arts & Culture",
        ),
        ("https://thefinancialexpress.com.bd/national/politics/ec-announces-schedule", "National"),
        ("https://thefinancialexpress.com.bd/sci-tech/ai-chip-exports", "Sci-Tech"),
        ("https://thefinancialexpress.com.bd/home/midland-bank-refutes", None),
        ("https://thefinancialexpress.com.bd/print/750-bond-licence-holders", None),
        ("https://www.dawn.com/news/1810981/us-strikes", None),
        ("https://www.presstv.ir/Detail/2024/02/09/720311/Iraq-US", None),
    ],
)
def test_the_built_in_sites_read_their_sections_from_their_addresses(cleaner, url, section):
    site = cleaner.sites.resolve([], url, None).rule_file
    assert url_section(site, url) == section
