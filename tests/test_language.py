"""Language tagging: deterministic, bounded, and a warning when the site says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cleaner.language import LanguageDetector, clear_language, sample_text

FR = (
    "Le gouvernement a annoncé mardi une nouvelle série de mesures pour soutenir les "
    "agriculteurs touchés par la sécheresse dans le sud du pays."
)


def test_detects_french():
    assert LanguageDetector().detect([FR]) == "fr"


def test_too_little_text():
    assert LanguageDetector().detect(["ok"]) is None


def test_sample_is_bounded():
    assert len(sample_text([FR] * 100, 600)) <= 600


def test_declared_language_confirmed_on_a_longer_sample_without_langdetect(monkeypatch):
    """A list of figures at the top says little; the prose after it confirms the language."""
    figures = [f"Length: {n} meters, range: {n * 90} nautical miles" for n in range(8)]
    prose = "The ship was converted from a container vessel and it has been in service for a year."
    from langdetect.detector_factory import DetectorFactory

    # On the class: the compiled build's detector takes no attribute of its own.
    monkeypatch.setattr(DetectorFactory, "create", lambda self: pytest.fail("langdetect was asked"))
    detector = LanguageDetector()
    assert detector.detect([*figures, prose, prose, prose], expected="en") == "en"
    with pytest.raises(pytest.fail.Exception):  # the stand-in is in the way of langdetect
        detector.detect([*figures, *figures], expected="en")


def test_language_mismatch_warning(cleaner):
    result = cleaner.clean(f"Titre\n\n{FR}\n\n{FR}", site="dawn.com")
    assert result.language == "fr"
    assert [w.code for w in result.warnings] == ["language_mismatch"]


def test_same_answer_in_other_processes():
    code = (
        "from cleaner.language import LanguageDetector;"
        "print(LanguageDetector().detect(['Ceci est un texte court mais en francais, je crois bien.']))"
    )
    answers = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        answers.add(out.stdout.strip())
    assert len(answers) == 1 and answers != {"None"}


def test_agrees_with_full_text_detection_on_golden_cases(cleaner):
    """The bounded sample and the declared-language shortcut give full-text langdetect's answer."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from cleaner.golden import discover, run_case

    from conftest import GOLDEN

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    for case in discover(GOLDEN):
        if case.input_path.suffix != ".txt":
            continue
        result = run_case(cleaner, case)
        detector = factory.create()
        detector.append(result.body)
        assert result.language == detector.detect(), case.id


def test_declared_language_is_confirmed_without_langdetect():
    from cleaner.language import confirms

    en = "The minister said on Monday that the talks would resume after the holiday, and that he was hopeful."
    assert confirms(en, "en")
    assert not confirms(FR, "en")
    assert not confirms(en, "xx")  # no function-word list: langdetect decides


def test_profiles_load_in_name_order_whatever_the_directory_order(tmp_path):
    """langdetect reads its profiles in directory order, which differs between file systems;
    cleaner reads them by name, so every machine sums the languages' probabilities alike."""
    import shutil
    from pathlib import Path

    from langdetect.detector_factory import PROFILES_DIRECTORY

    from cleaner.language import load_factory

    for name in ("fr", "en", "de", "es"):  # created out of order
        shutil.copy(Path(PROFILES_DIRECTORY) / name, tmp_path / name)
    factory = load_factory(tmp_path)
    assert factory.langlist == ["de", "en", "es", "fr"]
    detector = factory.create()
    detector.append(FR)
    assert detector.detect() == "fr"


def test_profile_table_gives_langdetects_own_probabilities():
    """cleaner works out an n-gram's row when a text first asks for it; every row, asked for in
    any order, equals the one langdetect's `load_profile` builds for the whole table."""
    from pathlib import Path

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from cleaner.language import load_factory

    reference = DetectorFactory()
    reference.load_profile(PROFILES_DIRECTORY)
    table = load_factory(Path(PROFILES_DIRECTORY)).word_lang_prob_map
    order = [reference.langlist.index(code) for code in sorted(reference.langlist)]
    assert len(table) == len(reference.word_lang_prob_map)
    for ngram in sorted(reference.word_lang_prob_map, reverse=True):
        assert list(table[ngram]) == [reference.word_lang_prob_map[ngram][i] for i in order]
    assert "zzzz" not in table
    with pytest.raises(KeyError):
        table["zzzz"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The government announced a new package of measures on Monday to curb inflation, "
            "which rose for the third month in a row according to figures from the office.",
            "en",
        ),
        (
            "Le gouvernement a annoncé lundi un nouveau paquet de mesures pour contenir "
            "l'inflation, qui a augmenté pour le troisième mois consécutif.",
            "fr",
        ),
        # Languages without a function-word list, close to listed ones, go to langdetect.
        (
            "O governo anunciou nesta segunda-feira um novo pacote de medidas para conter a "
            "inflação, que subiu pelo terceiro mês consecutivo, segundo dados do instituto.",
            None,
        ),
        (
            "Il governo ha annunciato lunedì un nuovo pacchetto di misure per contenere "
            "l'inflazione, che è salita per il terzo mese consecutivo secondo i dati.",
            None,
        ),
        (
            "De regering heeft maandag een nieuw pakket maatregelen aangekondigd om de inflatie "
            "in te dammen, die voor de derde maand op rij is gestegen.",
            None,
        ),
        (
            "El govern ha anunciat aquest dilluns un nou paquet de mesures per contenir la "
            "inflació, que ha pujat per tercer mes consecutiu segons les dades.",
            None,
        ),
    ],
)
def test_function_words_decide_only_a_clear_listed_language(text, expected):
    assert clear_language(text) == expected
