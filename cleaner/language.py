"""Language tagging with langdetect: seeded, on a bounded sample, profiles loaded once."""

from __future__ import annotations

import threading

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

SEED = 0  # langdetect is random; a fixed seed gives the same answer in every process
# 300 characters and 2 trials (langdetect: the whole text, 7 trials) agree with full-text
# detection on every golden case and on the benchmark corpus, at a fifth of its cost
# (benchmarks/throughput.py --only language). Cost stays flat on long articles.
SAMPLE_CHARS = 300
TRIALS = 2
MIN_SAMPLE_CHARS = 20


class LanguageDetector:
    """Detects the language of a text sample. Thread-safe; profiles load on first use."""

    def __init__(self, sample_chars: int = SAMPLE_CHARS, trials: int = TRIALS) -> None:
        self.sample_chars = sample_chars
        self.trials = trials
        self._factory: DetectorFactory | None = None
        self._lock = threading.Lock()

    def _get_factory(self) -> DetectorFactory:
        with self._lock:
            if self._factory is None:
                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.set_seed(SEED)
                self._factory = factory
            return self._factory

    def detect(self, paragraphs: list[str]) -> str | None:
        """ISO 639-1 code of the paragraphs' language, or None when there is too little text."""
        sample = sample_text(paragraphs, self.sample_chars)
        if len(sample) < MIN_SAMPLE_CHARS:
            return None
        detector = self._get_factory().create()
        detector.n_trial = self.trials
        detector.append(sample)
        try:
            code = detector.detect()
        except LangDetectException:
            return None
        return None if code == "unknown" else code.split("-")[0]


def sample_text(paragraphs: list[str], limit: int) -> str:
    """The first `limit` characters of the paragraphs, cut at a word boundary."""
    sample = " ".join(paragraphs)
    if len(sample) <= limit:
        return sample
    cut = sample.rfind(" ", 0, limit)
    return sample[: cut if cut > 0 else limit]
