"""Language tagging with langdetect: seeded, on a bounded sample, profiles loaded once."""

from __future__ import annotations

import json
import re
import threading
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

SEED = 0  # langdetect is random; a fixed seed gives the same answer in every process
# 300 characters and 2 trials (langdetect: the whole text, 7 trials) agree with full-text
# detection on every golden case and on the benchmark corpus, at a fifth of its cost
# (benchmarks/throughput.py --only language). Cost stays flat on long articles.
SAMPLE_CHARS = 300
TRIALS = 2
MIN_SAMPLE_CHARS = 20
# When a site's rule file declares its language, a cheap check confirms it and langdetect is
# skipped: the declared language's function words must make up at least 20% of the sample's
# words and 1.5 times the share of any other listed language (on the golden cases they make
# 26-46% for the right language and at most 21% for any other). Otherwise langdetect decides,
# so a page in another language still gets its `language_mismatch` warning.
CONFIRM_SHARE = 0.2
CONFIRM_MARGIN = 1.5
# A sample that does not confirm it (a list of figures, a headline repeated) is read on to this
# many characters before langdetect is asked: counting function words costs microseconds, a
# langdetect run milliseconds, and more text only makes the count surer.
CONFIRM_SAMPLE_CHARS = 1000
# Without a declared language, function words alone decide only when one listed language
# clearly dominates (a quarter of the words, twice any other's share); otherwise, and for
# every language without a list, langdetect decides. Agreement with full-text langdetect is
# measured by benchmarks/throughput.py --only language.
DECIDE_SHARE = 0.25
DECIDE_MARGIN = 2.0
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to a in is that for on with as was at by it from his he be are has have "
        "said an were this which but not who their they will its been had after would more "
        "also than about or up over into".split()
    ),
    "fr": frozenset(
        "le la les de des du un une et en est que qui dans pour sur au aux par pas plus ne se "
        "ce il elle a ont été avec son sa ses leur mais ou comme cette sont".split()
    ),
    "es": frozenset(
        "el la los las de del un una y en es que por con para se su al lo como más pero sus "
        "le ha fue este esta son entre sin sobre también".split()
    ),
    "de": frozenset(
        "der die das und in zu den des von mit ist im für auf nicht sich ein eine dem auch es "
        "an als nach wie aus bei sie er wird hat wurde werden sind".split()
    ),
}
# Punctuation that joins words in text ("l'inflation", "said,"): a space for the split.
_PUNCTUATION = re.compile("[" + re.escape(".,;:!?\"'“”‘’„«»()[]{}—–-/…*") + "]")
# Each function word with the languages that list it, so a sample is read once.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {
    word: tuple(code for code, listed in FUNCTION_WORDS.items() if word in listed)
    for word in set().union(*FUNCTION_WORDS.values())
}


class LanguageDetector:
    """Detects the language of a text sample. Thread-safe; profiles load on first use."""

    def __init__(self, sample_chars: int = SAMPLE_CHARS, trials: int = TRIALS) -> None:
        self.sample_chars = sample_chars
        self.trials = trials
        self._factory: DetectorFactory | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load langdetect's profiles now (about 0.05 s) instead of at the first detection."""
        self._get_factory()

    def _get_factory(self) -> DetectorFactory:
        with self._lock:
            if self._factory is None:
                self._factory = load_factory(Path(PROFILES_DIRECTORY))
            return self._factory

    def detect(self, paragraphs: Iterable[str], expected: str | None = None) -> str | None:
        """ISO 639-1 code of the paragraphs' language, or None when there is too little text.

        `expected` is the language a site's rule file declares: when the sample's function
        words confirm it (or those of a longer sample do), it is returned without running
        langdetect.
        """
        paragraphs = iter(paragraphs)
        taken = _take(paragraphs, self.sample_chars)
        sample = _cut(" ".join(taken), self.sample_chars)
        if len(sample) < MIN_SAMPLE_CHARS:
            return None
        if expected and confirms(sample, expected):
            return expected
        if expected:
            more = _take(paragraphs, CONFIRM_SAMPLE_CHARS - len(sample))
            longer = _cut(" ".join(taken + more), CONFIRM_SAMPLE_CHARS)
            if len(longer) > len(sample) and confirms(longer, expected):
                return expected
        clear = clear_language(sample)
        if clear is not None:
            return clear
        detector = self._get_factory().create()
        detector.n_trial = self.trials
        detector.append(sample)
        try:
            code = detector.detect()
        except LangDetectException:
            return None
        return None if code == "unknown" else code.split("-")[0]


def load_factory(profiles: Path) -> DetectorFactory:
    """langdetect's detector factory with its profiles loaded in file-name order, seeded.

    langdetect's own `load_profile` reads them in directory order, which differs between file
    systems, and the order of the languages decides how their probabilities are summed: in
    name order every machine adds them up alike. Its n-gram table is a `Probabilities`, which
    works out an n-gram's row when a text first has it (see there).
    """
    factory = DetectorFactory()
    paths = sorted(p for p in profiles.iterdir() if p.is_file() and not p.name.startswith("."))
    counts: list[dict[str, int]] = []
    totals: list[list[int]] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            profile = json.load(handle)  # langdetect's format: name, freq, n_words
        if profile["name"] in factory.langlist:
            raise ValueError(f"{path}: a second profile of language {profile['name']!r}")
        factory.langlist.append(profile["name"])
        counts.append(profile["freq"])
        totals.append(profile["n_words"])
    factory.word_lang_prob_map = Probabilities(counts, totals)
    factory.set_seed(SEED)
    return factory


class Probabilities:
    """langdetect's table of n-gram -> probability in each language (in profile order).

    langdetect's `add_profile` fills the whole table as it loads: 184,000 counts turned into
    rows for 87,000 n-grams, 0.15 s of start-up before the first page. A text of a few hundred
    characters asks for a few hundred n-grams, so this table keeps the profiles' counts and
    works out a row with `add_profile`'s formula when it is first asked for, then keeps it:
    the same numbers, so the same answers. Rows are arrays of doubles (a third the size of
    lists of floats). Each process keeps the rows its texts asked for: at most one per n-gram
    of the profiles, and a few thousand on a batch of news. Two threads that work out the
    same row store equal arrays, so the table needs no lock.
    """

    def __init__(self, counts: list[dict[str, int]], totals: list[list[int]]) -> None:
        self._counts = counts  # per language: n-gram -> occurrences in its training text
        self._totals = totals  # per language: how many 1-, 2- and 3-grams that text had
        self._known: frozenset[str] = frozenset().union(*counts)
        self._rows: dict[str, array[float]] = {}

    def __contains__(self, ngram: object) -> bool:
        return ngram in self._known

    def __len__(self) -> int:
        return len(self._known)

    def __getitem__(self, ngram: str) -> array[float]:
        row = self._rows.get(ngram)
        if row is None:
            if ngram not in self._known:
                raise KeyError(ngram)
            row = self._rows[ngram] = self._row(ngram)
        return row

    def _row(self, ngram: str) -> array[float]:
        row = array("d", [0.0]) * len(self._counts)
        if 1 <= len(ngram) <= 3:  # langdetect lists longer n-grams but gives them no weight
            for index, counts in enumerate(self._counts):
                count = counts.get(ngram)
                if count is not None:
                    row[index] = 1.0 * count / self._totals[index][len(ngram) - 1]
        return row


def sample_text(paragraphs: Iterable[str], limit: int) -> str:
    """The first `limit` characters of the paragraphs, cut at a word boundary (the paragraphs
    after those are not read)."""
    return _cut(" ".join(_take(iter(paragraphs), limit)), limit)


def _take(paragraphs: Iterator[str], limit: int) -> list[str]:
    """The next paragraphs, until they hold more than `limit` characters (or run out)."""
    taken: list[str] = []
    size = 0
    while size <= limit and (paragraph := next(paragraphs, None)) is not None:
        taken.append(paragraph)
        size += len(paragraph) + 1
    return taken


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit]


def confirms(sample: str, language: str) -> bool:
    """Whether the sample's function words clearly say `language` (one of FUNCTION_WORDS)."""
    return language in FUNCTION_WORDS and _dominates(
        _function_word_shares(sample), language, CONFIRM_SHARE, CONFIRM_MARGIN
    )


def clear_language(sample: str) -> str | None:
    """The listed language whose function words dominate the sample, or None."""
    shares = _function_word_shares(sample)
    if not shares:
        return None
    best = max(shares, key=lambda code: (shares[code], code))
    return best if _dominates(shares, best, DECIDE_SHARE, DECIDE_MARGIN) else None


def _function_word_shares(sample: str) -> dict[str, float]:
    """Each listed language's share of the sample's words; empty for a sample without words."""
    # A character class and split(): 5x faster than str.translate with non-ASCII keys, which
    # looks every character up in a dict, and than finding \w+ words.
    words = _PUNCTUATION.sub(" ", sample.lower()).split()
    if not words:
        return {}
    counts = dict.fromkeys(FUNCTION_WORDS, 0)
    for word in words:
        for code in _LANGUAGES_OF.get(word, ()):
            counts[code] += 1
    return {code: count / len(words) for code, count in counts.items()}


def _dominates(shares: dict[str, float], language: str, least: float, margin: float) -> bool:
    """Whether `language` has at least `least` of the words and `margin` times any other's."""
    share = shares.get(language, 0.0)
    return share >= least and all(
        share >= margin * other for code, other in shares.items() if code != language
    )
