"""Article-body quality of cleaner's HTML mode against trafilatura alone, in one run.

Scores plain `trafilatura.extract`, trafilatura with `favor_precision=True`, and cleaner's
`body` field on the ScrapingHub article-extraction benchmark (see ../shared/bench/README.md
for the metric), and prints precision, recall, F1, accuracy, empty outputs, documents per
second, and each extractor's time as a ratio to plain trafilatura measured in the same run.

Usage (from the project root):
    python benchmarks/html_quality.py                      # all 181 pages
    python benchmarks/html_quality.py --limit 40           # a quick run
    python benchmarks/html_quality.py --bench /path/to/scrapinghub --worst 10
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from cleaner import Cleaner, CleanError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "scrapinghub"
SHINGLE = 4  # tokens per shingle, as the benchmark defines it
TOKEN = re.compile(r"\w+")
# As the benchmark's own trafilatura runner calls it (comments are not article body).
PLAIN: dict[str, object] = {"include_comments": False}


@dataclass(slots=True)
class Score:
    """Per-extractor totals over the documents."""

    name: str
    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    exact: int = 0
    empty: int = 0
    docs: int = 0
    seconds: float = 0.0
    per_doc: dict[str, float] = field(default_factory=dict)

    def add(self, doc_id: str, truth: str, predicted: str) -> None:
        """Score one document's prediction against its ground truth."""
        self.docs += 1
        true_tokens, pred_tokens = TOKEN.findall(truth), TOKEN.findall(predicted)
        if not pred_tokens:
            self.empty += 1
        if true_tokens == pred_tokens:
            self.exact += 1
        tp, fp, fn = _match(_shingles(true_tokens), _shingles(pred_tokens))
        if tp + fp:
            self.precisions.append(tp / (tp + fp))
        if tp + fn:
            self.recalls.append(tp / (tp + fn))
        self.per_doc[doc_id] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    def row(self, baseline_seconds: float) -> str:
        """One Markdown table row."""
        p = sum(self.precisions) / len(self.precisions) if self.precisions else 0.0
        r = sum(self.recalls) / len(self.recalls) if self.recalls else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rate = self.docs / self.seconds if self.seconds else 0.0
        ratio = self.seconds / baseline_seconds if baseline_seconds else 0.0
        return (
            f"| {self.name} | {p:.3f} | {r:.3f} | {f1:.3f} | {self.exact / self.docs:.3f} "
            f"| {self.empty} | {rate:.0f} | {ratio:.2f}x |"
        )


def _shingles(tokens: list[str]) -> Counter[tuple[str, ...]]:
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def _match(
    truth: Counter[tuple[str, ...]], pred: Counter[tuple[str, ...]]
) -> tuple[float, float, float]:
    """Multiset true/false positives and false negatives, normalised by their sum."""
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def load_pages(bench: Path, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(id, url, page, ground-truth body) for each page, in id order.

    Pages are decoded as UTF-8, as the benchmark's own runners do, so every extractor gets
    the same string.
    """
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id in sorted(truth)[:limit]:
        raw = gzip.decompress((bench / "html" / f"{doc_id}.html.gz").read_bytes())
        data = raw.decode("utf-8", errors="replace")
        pages.append((doc_id, truth[doc_id]["url"], data, truth[doc_id]["articleBody"]))
    return pages


def cleaner_body(cleaner: Cleaner) -> Callable[[str, str], str]:
    """cleaner's `body` field; a document cleaner refuses counts as empty output."""

    def run(data: str, url: str) -> str:
        try:
            return cleaner.clean_html(data, url=url).body
        except CleanError:
            return ""

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--worst", type=int, default=0, help="list cleaner's N worst pages")
    args = parser.parse_args(argv)
    if not (args.bench / "ground-truth.json").is_file():
        print(f"html_quality: no ground-truth.json under {args.bench}", file=sys.stderr)
        return 2
    pages = load_pages(args.bench, args.limit)
    cleaner = Cleaner()
    extractors: list[tuple[str, Callable[[str, str], str]]] = [
        ("trafilatura `extract()`", lambda d, u: trafilatura.extract(d, **PLAIN) or ""),
        (
            "trafilatura `favor_precision`",
            lambda d, u: trafilatura.extract(d, favor_precision=True, **PLAIN) or "",
        ),
        ("cleaner `body`", cleaner_body(cleaner)),
    ]
    scores = [Score(name) for name, _ in extractors]
    # One untimed pass first: one-time loads (jusText stoplists, langdetect profiles, lazy
    # imports) are paid once per process, not per page, so they stay out of the rates.
    for _, url, data, _ in pages:
        for _, func in extractors:
            func(data, url)
    # Interleave the extractors page by page so machine noise hits them alike.
    for doc_id, url, data, truth in pages:
        for (_, func), score in zip(extractors, scores, strict=True):
            start = time.perf_counter()
            predicted = func(data, url)
            score.seconds += time.perf_counter() - start
            score.add(doc_id, truth, predicted)
    print(f"{len(pages)} pages from {args.bench}\n")
    print("| extractor | P | R | F1 | accuracy | empty | docs/s | time vs extract() |")
    print("|---|---|---|---|---|---|---|---|")
    for score in scores:
        print(score.row(scores[0].seconds))
    if args.worst:
        base, mine = scores[0].per_doc, scores[-1].per_doc
        print("\ncleaner's worst pages (per-document F1, cleaner vs extract()):")
        for doc_id in sorted(mine, key=lambda d: mine[d] - base[d])[: args.worst]:
            print(f"  {doc_id[:16]}  {mine[doc_id]:.3f}  {base[doc_id]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
