"""Generic cleaning beyond the golden dev set: traps kept, language packs as data, batch repeats.

The dev set (golden/_generic/) is checked by test_golden.py; here small synthetic articles
check what one rule or detector must keep or remove, in each language.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from cleaner.repeats import (
    RULE_ID,
    find_repeats,
    repeated_set,
    scan_records,
    site_key,
    strip_record,
)

# Body paragraphs long enough for the language detector, one article per language.
BODY = {
    "en": [
        "The regional council approved the new transport plan on Tuesday after a long debate.",
        "Officials said the first bus lanes would open in the spring, ahead of the schedule.",
        "Residents have complained for years about traffic jams on the main road into town.",
    ],
    "fr": [
        "Le conseil régional a adopté mardi le nouveau plan de transport après un long débat.",
        "Les premières voies de bus ouvriront au printemps, selon les responsables du projet.",
        "Les habitants se plaignent depuis des années des embouteillages sur la route principale.",
    ],
    "es": [
        "El consejo regional aprobó el martes el nuevo plan de transporte tras un largo debate.",
        "Los primeros carriles de autobús abrirán en primavera, según los responsables del plan.",
        "Los vecinos se quejan desde hace años de los atascos en la carretera principal.",
    ],
    "de": [
        "Der Regionalrat hat am Dienstag nach langer Debatte den neuen Verkehrsplan beschlossen.",
        "Die ersten Busspuren sollen im Frühjahr öffnen, teilten die Verantwortlichen mit.",
        "Anwohner beklagen sich seit Jahren über Staus auf der Hauptstraße in die Stadt.",
    ],
}
HEADLINE = {
    "en": "Council approves transport plan",
    "fr": "Le conseil adopte le plan de transport",
    "es": "El consejo aprueba el plan de transporte",
    "de": "Regionalrat beschließt Verkehrsplan",
}

# Lines that look like furniture at first sight but are body text: they must stay.
TRAPS = [
    ("en", "Share prices rose 4 percent after the announcement, traders said."),
    ("en", "Share this burden"),  # a column's crosshead
    ("en", "Advertising"),  # a results story's crosshead
    ("en", "BY THE NUMBERS"),  # a crosshead in capitals
    ("en", "By the end of the month, the work should be finished."),
    ("en", "By Tuesday evening, Most Residents Had Left"),
    ("en", "Photo evidence presented in court showed the damaged wall."),
    ("en", "Source: the ministry said the figures were provisional."),
    ("en", "Follow-up talks are planned for next week."),
    ("en", "Follow the signs to the new entrance, officials said."),
    ("en", "Related costs will be covered by the state."),
    ("en", "Advertising revenue fell for a third year."),
    ("en", "Also on the agenda was a new school."),
    ("en", '"We will not give up," she said.'),
    ("en", "It rained."),
    ("en", "ABUJA — Nigeria's senate passed the bill on Thursday."),
    ("en", "Users can share the link with friends or post photos on Facebook, the company said."),
    ("en", "Read more about the plan on the council's website, he said."),
    ("en", "Don't miss the final, the coach told supporters on Friday."),
    ("fr", "Partager les coûts reste la priorité du gouvernement."),
    ("fr", "Par ailleurs, le ministre a annoncé une hausse du budget."),
    ("fr", "Photo à l'appui, le maire a montré les dégâts aux journalistes."),
    ("fr", "Suivez le guide, a plaisanté le maire lors de la visite."),
    ("es", "Por otra parte, el alcalde anunció más inversiones."),
    ("es", "Compartir el coche es cada vez más habitual en la región."),
    ("es", "Fuentes del ministerio confirmaron la noticia."),
    ("de", "Von den neuen Regeln profitieren vor allem Pendler."),
    ("de", "Teilen wollen die Länder die Kosten nicht."),
    ("de", "Quelle: eine interne Studie des Ministeriums aus dem Jahr 2023."),
    ("de", "Von Siegern und Verlierern"),  # a crosshead, not a byline
    ("de", "Quelle: Bundeswahlleiterin"),  # a table's source, with text below
    ("de", "6. November 2024"),  # a date heading the next paragraph
    ("fr", "Le 8 janvier 2015"),
    ("es", "29 de octubre"),
    ("es", "Fuente: Aemet"),
]

# Furniture lines, one per language and shape, that generic rules must remove.
FURNITURE = [
    ("en", "Share on WhatsApp", "en.share-prompt"),
    ("en", "Share this article on Facebook", "en.share-prompt"),
    ("en", "SHARE THIS:", "en.share-prompt"),
    ("en", "Follow us on Instagram", "en.follow-us"),
    ("en", "Story continues below advertisement", "en.advertisement"),
    ("en", "READ: Mayor defends new budget", "en.teaser"),
    ("en", "By Amina Yusuf, Staff Reporter", "en.byline"),
    ("en", "Updated 5 hours ago", "en.updated"),
    ("en", "4 min read", "en.reading-time"),
    ("en", "1.2K shares", "en.counter"),
    ("en", "Image source, Getty Images", "en.image-source"),
    ("en", "Don't miss:", "en.related-list"),
    # Variants the rules' descriptions promise (round-72 attack, F).
    ("en", "Article continues below advertisement", "en.advertisement"),
    ("en", "Advertisement - Scroll to continue", "en.advertisement"),
    ("en", "Read time: 3 minutes", "en.reading-time"),
    ("en", "Updated - March 05, 2024 02:05 pm IST", "en.updated"),
    ("en", "Staff photo by Jake Holloway", "en.image-source"),
    ("en", "Copyright 2023 The Example Post. All rights reserved.", "generic.copyright"),
    ("en", "Twitter | Facebook | LinkedIn", "generic.share-networks"),
    # Round-75 probe (F).
    ("en", "BY ZAKIAH KOYA", "en.byline"),
    ("en", "PHOTO: REUTERS/FILE", "en.image-source"),
    (
        "en",
        "Follow us on Instagram and join our WhatsApp channel for the latest news.",
        "en.follow-us",
    ),
    ("es", "Ir a los comentarios", "es.counter"),
    ("fr", "S’inscrire", "fr.newsletter"),
    ("fr", "Lien copié", "fr.utility-bar"),
    ("de", "Artikel zum Hören • 4 Min", "de.listen"),
    ("de", "Zur Merkliste hinzufügen", "de.utility-bar"),
    ("es", "Escucha la noticia", "es.listen"),
    ("es", "Copiar link", "es.utility-bar"),
    ("fr", "Partager sur LinkedIn", "fr.share-prompt"),
    ("fr", "Lire aussi : Le budget de la région en hausse", "fr.teaser"),
    ("fr", "Lire aussi | Sécheresse : les agriculteurs inquiets", "fr.teaser"),
    ("fr", "Publié le 3 janvier 2024 à 18h02", "fr.dateline"),
    ("fr", "Par Sophie Martin", "fr.byline"),
    ("es", "Lee también: El alcalde presenta su plan", "es.teaser"),
    ("es", "Por Carlos Ruiz", "es.byline"),
    ("es", "hace 20 minutos", "es.relative-time"),
    ("de", "Lesen Sie auch: Neue Busse für die Region", "de.teaser"),
    ("de", "Von Anna Becker", "de.byline"),
    ("de", "Stand: 12.03.2024, 09:15 Uhr", "de.dateline"),
    ("de", "Folgen Sie uns auf Instagram", "de.follow-us"),
]


def article(lang: str, line: str, where: int = 2) -> str:
    body = list(BODY[lang])
    body.insert(where, line)
    return HEADLINE[lang] + "\n\n" + "\n\n".join(body) + "\n"


@pytest.mark.parametrize(("lang", "line"), TRAPS, ids=[t[1][:40] for t in TRAPS])
def test_trap_line_is_kept(cleaner, lang, line):
    result = cleaner.clean(article(lang, line))
    assert result.language == lang
    assert line in result.paragraphs, [r.rule for r in result.removed]


@pytest.mark.parametrize(("lang", "line", "rule"), FURNITURE, ids=[f[1][:40] for f in FURNITURE])
def test_furniture_line_is_removed(cleaner, lang, line, rule):
    result = cleaner.clean(article(lang, line))
    assert result.paragraphs == BODY[lang]
    assert [r.rule for r in result.removed] == [rule]


@pytest.mark.parametrize(
    "head",
    [
        "Ceasefire holds\nGaza truce enters its third day as aid trucks cross into the enclave",
        "Oppenheimer\nChristopher Nolan's atomic epic is a towering, exhausting achievement",
        "Maggie Smith\nActor whose career spanned seven decades on stage and screen",
    ],
)
def test_a_short_headline_over_its_standfirst_stays_the_title(cleaner, head):
    """A short headline over a standfirst without a stop has the shape of a section label
    over a headline; only the section names the language files list are taken for labels
    (round-73 attack: a shape-based detector ate these headlines)."""
    body = "\n\n".join(BODY["en"])
    result = cleaner.clean(f"{head}\n\n{body}\n")
    assert result.title == head.split("\n")[0]
    assert result.paragraphs[0] == head.split("\n")[1]


def test_language_packs_are_data(cleaner):
    """Each language pack is a rule file with a `languages` key; no code names a language."""
    packs = {f.site: f for f in cleaner.generic if f.site.startswith("_lang_")}
    assert {"_lang_en", "_lang_fr", "_lang_es", "_lang_de"} <= set(packs)
    for name, pack in packs.items():
        assert pack.languages == {name.removeprefix("_lang_")}
    # A French teaser line is not removed from an English article: packs follow the language.
    result = cleaner.clean(article("en", "Lire aussi : Le budget de la région en hausse"))
    assert "Lire aussi : Le budget de la région en hausse" in result.paragraphs


def test_related_list_stops_at_body_text(cleaner):
    text = article(
        "en", "Related articles\nMayor defends budget\n12 March 2024\nNew buses for the city"
    )
    result = cleaner.clean(text)
    assert result.paragraphs == BODY["en"]
    assert {r.rule for r in result.removed} == {"en.related-list"}
    assert result.metadata.published is None  # a teaser's date is not the article's


def test_pull_quote_removed_body_kept(cleaner):
    quote = "“the first bus lanes would open in the spring”"
    result = cleaner.clean(article("en", quote, where=2))
    assert result.paragraphs == BODY["en"]
    assert [r.rule for r in result.removed] == ["generic.pull-quote"]
    # As the text's last line it may be a callback: kept, with a warning.
    result = cleaner.clean(article("en", quote, where=3))
    assert result.paragraphs == [*BODY["en"], quote]
    assert [w.code for w in result.warnings] == ["pull_quote_kept"]


# --- cross-document repetition -------------------------------------------------------------

FOOTER = "Our journalism is funded by readers like you. Support us today"
TOPICS = ("rain", "bread", "trains", "schools", "ports", "fuel", "rice", "bridges", "taxes")
TOPICS += ("courts", "wages", "exports", "dams", "roads", "power", "water", "clinics", "ferries")


def batch(n: int = 12, seed: int = 0) -> list[dict[str, str]]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        body = [
            f"Paragraph {i}.{k} of the story about topic {rng.randint(0, 9999)} in full."
            for k in range(3)
        ]
        # Headlines differ in words: a number alone tells no two stories apart (see story_key)
        text = "\n\n".join([f"News about the {TOPICS[i]}", *body, FOOTER]) + "\n"
        records.append({"url": f"https://www.example.com/news/{i}", "text": text})
    records.append({"url": "https://other.org/a", "text": "Other\n\nA one-off page.\n\n" + FOOTER})
    return records


def test_repeats_found_per_site_and_order_independent():
    records = batch()
    found = scan_records(records)
    assert [(r.site, r.text, r.documents, r.total) for r in found] == [
        ("example.com", FOOTER, 12, 12)
    ]
    shuffled = list(records)
    random.Random(1).shuffle(shuffled)
    assert scan_records(shuffled) == found


def test_repeats_need_enough_documents():
    assert scan_records(batch(n=4)) == []


def test_site_key_prefers_site_then_host():
    assert site_key("Dawn.com", "https://x.org/") == "dawn.com"
    assert site_key(None, "https://www.dawn.com/news/1") == "dawn.com"
    assert site_key(None, None) == "(unknown site)"


def test_strip_record_numbers_each_repeated_line_by_its_input_line(cleaner):
    records = batch()
    by_site = repeated_set(scan_records(records))
    record = records[0]
    result = cleaner.clean(record["text"], url=record["url"])
    assert FOOTER in result.paragraphs
    out = {**record, **result.to_dict(), "original_text": record["text"]}
    new = strip_record(out, record, by_site)
    assert FOOTER not in new["text"] and new["paragraphs"]
    assert new["paragraphs"] == [p for p in result.paragraphs if p != FOOTER]
    # Numbered by its input line, in line order among the rules' removals.
    assert {"line": 9, "text": FOOTER, "rule": RULE_ID, "kind": "footer"} in new["removed"]
    lines = [r["line"] for r in new["removed"]]
    assert lines == sorted(lines) and 0 not in lines
    html = strip_record({k: v for k, v in out.items() if k != "original_text"}, record, by_site)
    assert {"line": 0, "text": FOOTER, "rule": RULE_ID, "kind": "footer"} in html["removed"]


def test_find_repeats_never_counts_headlines():
    docs = [("s", f"Same headline\n\nBody text number {i} here.") for i in range(10)]
    assert find_repeats(docs) == []


WIRE_BRIEF = (
    "Storm shuts ports along the coast\n\n"
    "{agency_line}"
    "MANILA, Oct 25 (AFP) - A storm shut ports along the coast on Friday, the coast guard said.\n\n"
    "More than 20,000 people were moved to evacuation centres, officials said on Friday.\n\n"
    "Schools in the capital will stay closed until Monday, the city government said. — AFP\n"
)


def test_note_reads_agency_from_kept_text(cleaner):
    from cleaner.explain import explain
    from cleaner.model import CleanResult
    from cleaner.stats import summarize

    result = cleaner.clean(WIRE_BRIEF.format(agency_line=""))
    assert result.metadata.agency == "AFP"
    assert result.removed == []  # notes never remove
    assert [(n.line, n.rule) for n in result.noted] == [
        (3, "en.wire-dateline"),
        (7, "generic.closing-agency"),
    ]
    assert "kept, noted" in explain(result, cleaner.rules_by_id)
    record = result.to_dict()
    assert CleanResult.from_dict(record) == result
    assert {"en.wire-dateline", "generic.closing-agency"} <= set(summarize(record).rules)


def test_removed_agency_line_outranks_a_note(cleaner):
    result = cleaner.clean(WIRE_BRIEF.format(agency_line="Reuters\n\n"))
    assert [r.rule for r in result.removed] == ["generic.agency-line"]
    assert result.metadata.agency == "Reuters"
    assert len(result.noted) == 2  # still reported, for the audit trail


def test_agency_cited_mid_story_is_not_the_story_agency(cleaner):
    text = (
        "Talks resume in Geneva\n\n"
        "Negotiators met again on Monday to discuss the ceasefire proposal, officials said.\n\n"
        "PARIS (AFP) - a line quoted from a wire report in the middle of the story, it said.\n\n"
        "The talks will continue on Tuesday, a spokesman for the mediators told reporters.\n\n"
        "The mediators, Reuters reported, hope for a deal before the end of the month.\n\n"
        "A final round is planned for next week, the spokesman told reporters on Monday.\n\n"
        "Both sides said they were ready to compromise on the main points of the deal.\n\n"
        "Observers said the outcome of the talks was still very hard to predict, however.\n"
    )
    result = cleaner.clean(text)
    assert result.metadata.agency is None and result.noted == []


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Sarah Mitchell, John Smith", ["Sarah Mitchell", "John Smith"]),
        # a role after the comma is the writer's title, not a second writer (a probe's find)
        ("By Dr Amira Haddad, Health Editor", ["Dr Amira Haddad"]),
        ("By Jane Doe, Chief Political Correspondent", ["Jane Doe"]),
    ],
)
def test_byline_authors_leave_out_a_role(cleaner, byline, authors):
    result = cleaner.clean(article("en", byline, where=0))
    assert result.paragraphs == BODY["en"]
    assert result.metadata.authors == authors


@pytest.mark.parametrize(
    ("lang", "byline", "authors"),
    [
        ("fr", "Par Jean Dupont et Marie Martin", ["Jean Dupont", "Marie Martin"]),
        ("de", "Von Anna Schmidt und Markus Balser", ["Anna Schmidt", "Markus Balser"]),
        ("es", "Por Juan Pérez y María López", ["Juan Pérez", "María López"]),
    ],
)
def test_two_writers_are_two_authors_in_each_language(cleaner, lang, byline, authors):
    """ "und", "et" and "y" join writers as "and" does (round-76 probe)."""
    result = cleaner.clean(article(lang, byline, where=0))
    assert result.paragraphs == BODY[lang]
    assert result.metadata.authors == authors


@pytest.mark.parametrize(
    ("lang", "byline", "agency"),
    [
        ("en", "By Daniel Okafor and Priya Nair, Reuters", "Reuters"),
        ("en", "By Jane Doe, Washington", None),  # a place, not a wire
        ("es", "Por Laura Martínez | EFE", "EFE"),
        ("de", "Von Anna Becker, dpa", "dpa"),
        ("fr", "Par Claire Le Goff, avec AFP", "AFP"),
    ],
)
def test_a_wire_after_the_byline_is_the_agency(cleaner, lang, byline, agency):
    result = cleaner.clean(article(lang, byline, where=0))
    assert result.paragraphs == BODY[lang]
    assert result.metadata.agency == agency


def test_readme_counts_the_generic_development_set(cleaner):
    """The README says how many articles of each language golden/_generic/ holds: it stays
    true as cases are added."""
    root = Path(__file__).resolve().parent.parent
    inputs = [
        path
        for path in (root / "golden" / "_generic").glob("*.txt")
        if not path.name.endswith(".expected.txt")
    ]
    languages = Counter(cleaner.clean(path.read_text("utf-8")).language for path in inputs)
    names = {"en": "English", "fr": "French", "es": "Spanish", "de": "German"}
    assert set(languages) == set(names)
    counts = ", ".join(f"{languages[code]} {name}" for code, name in names.items())
    readme = " ".join((root / "README.md").read_text("utf-8").split())
    assert f"`golden/_generic/` ({len(inputs)} articles: {counts}," in readme


@pytest.mark.parametrize(
    ("lang", "line", "published", "modified"),
    [
        (
            "fr",
            "Publié le 12 mars 2024 à 06h12, modifié le 12 mars 2024 à 10h45",
            "2024-03-12T06:12:00",
            "2024-03-12T10:45:00",
        ),
        (
            "fr",
            "Publié le 08/03/24 à 09h41 — Mis à jour le 08/03/24 à 11h20",
            "2024-03-08T09:41:00",
            "2024-03-08T11:20:00",
        ),
        ("fr", "Publié le 12 mars 2024 à 08h15, mis à jour à 10h02", "2024-03-12T08:15:00", None),
        ("de", "Stand: 05.03.2024, 10.32 Uhr", None, "2024-03-05T10:32:00"),
        ("de", "23.02.2024, 18:04 Uhr", "2024-02-23T18:04:00", None),
        ("es", "Madrid - 17 nov 2025 - 10:30 CET", "2025-11-17T10:30:00+01:00", None),
        ("es", "14/03/2024 10:32", "2024-03-14T10:32:00", None),
    ],
)
def test_date_lines_give_their_dates_in_each_language(cleaner, lang, line, published, modified):
    """The date lines under the headline are removed and their dates kept (round-75/76
    probes: French, German and Spanish dates used to be removed without a date)."""
    result = cleaner.clean(article(lang, line, where=0))
    assert result.paragraphs == BODY[lang]
    assert (result.metadata.published, result.metadata.modified) == (published, modified)


@pytest.mark.parametrize(
    ("lang", "box", "crosshead"),
    [
        ("es", "Lee también\nLa contaminación baja por tercer año\nAna Macpherson", "Calendario"),
        ("fr", "Lire aussi\nSécheresse : les agriculteurs inquiets\n3 mars 2024", "Le calendrier"),
        ("de", "Lesen Sie auch\nNeue Busse für die Region", "Was Pendler wissen müssen"),
    ],
)
def test_a_one_story_box_keeps_the_crosshead_under_it(cleaner, lang, box, crosshead):
    """A "Lee también" box announces one story: its title and author or date go, and the short line
    under them is the text's crosshead (round-76 probe: the crosshead and a timeline's first
    date went with the box)."""
    body = BODY[lang]
    text = f"{HEADLINE[lang]}\n\n{body[0]}\n\n{box}\n\n{crosshead}\n\n{body[1]}\n\n{body[2]}\n"
    result = cleaner.clean(text)
    assert result.paragraphs == [body[0], crosshead, body[1], body[2]]
    assert {r.rule for r in result.removed} == {f"{lang}.read-also"}
