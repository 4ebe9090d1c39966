"""A varied benchmark corpus made from the golden cases (deterministic for a given seed).

Each record takes one golden text case and varies it the way real articles of a site vary:
body paragraphs shuffled and sometimes repeated, years and days changed, names swapped, and
words moved inside every body paragraph, so that (as in real batches) body paragraphs are
almost never seen twice while the site furniture (captions, bylines, footers, glued stories)
recurs, and the rules have work. Without that last step a 20,000-record corpus held about 900
distinct lines, and per-line caches would have measured cache hits.

    python benchmarks/corpus.py 20000 corpus.jsonl      # write a corpus as JSONL
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
SEED = 20250601
BODY_WORDS = 12  # a line with this many words is treated as a body paragraph to shuffle
WORD_SWAPS = 2  # pairs of inner words swapped in each body paragraph (its ends stay put)
REPEAT_SHARE = 0.15  # share of records with one body paragraph repeated
URL_SHARE = 0.5  # share of records that carry their URL (the rest are found by fingerprint)
NAMES = ("Ahmed", "Sara", "Karim", "Leila", "Omar", "Nadia", "Yusuf", "Hana", "Tariq", "Rania")
_YEAR = re.compile(r"\b20[12]\d\b")
_DAY = re.compile(r"\b([12]?\d)(?= (?:January|February|March|April|May|June|July|August))")
_NAME = re.compile(r"\b(?:" + "|".join(NAMES) + r")\b")


def golden_texts(root: Path = GOLDEN) -> list[tuple[str, str]]:
    """(site, text) of every golden text input of a site (generic packs' cases left out)."""
    out = []
    for path in sorted(root.glob("*/*.txt")):
        if path.parent.name.startswith("_") or ".expected" in path.name:
            continue
        out.append((path.parent.name, path.read_text(encoding="utf-8")))
    return out


def vary(text: str, rng: random.Random) -> str:
    """One plausible other article of the same site."""
    lines = text.split("\n")
    body = [i for i, line in enumerate(lines) if len(line.split()) >= BODY_WORDS]
    shuffled = [lines[i] for i in body]
    rng.shuffle(shuffled)
    for i, line in zip(body, shuffled, strict=True):
        lines[i] = _swap_words(line, rng)
    if body and rng.random() < REPEAT_SHARE:
        i = rng.choice(body)
        lines.insert(i + 1, lines[i])
    out = "\n".join(lines)
    out = _YEAR.sub(lambda _: str(rng.randint(2019, 2025)), out)
    out = _DAY.sub(lambda _: str(rng.randint(1, 28)), out)
    return _NAME.sub(lambda _: rng.choice(NAMES), out)


def _swap_words(line: str, rng: random.Random) -> str:
    """The paragraph with a few inner words swapped: same words, same ends, a new line."""
    words = line.split(" ")
    for _ in range(WORD_SWAPS):
        a, b = rng.randrange(1, len(words) - 1), rng.randrange(1, len(words) - 1)
        words[a], words[b] = words[b], words[a]
    return " ".join(words)


def records(count: int, seed: int = SEED) -> Iterator[dict[str, object]]:
    """`count` varied records `{id, url?, text}`."""
    rng = random.Random(seed)
    texts = golden_texts()
    for n in range(count):
        site, text = texts[n % len(texts)]
        record: dict[str, object] = {"id": n}
        if rng.random() < URL_SHARE:
            record["url"] = f"https://www.{site}/news/{rng.randint(10_000, 99_999)}"
        record["text"] = vary(text, rng)
        yield record


def write_jsonl(path: Path, count: int, seed: int = SEED) -> int:
    """Write `count` records; returns the bytes written."""
    size = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records(count, seed):
            line = json.dumps(record, ensure_ascii=False) + "\n"
            size += len(line.encode("utf-8"))
            handle.write(line)
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    size = write_jsonl(args.output, args.count, args.seed)
    print(f"wrote {args.count} records, {size / 1e6:.1f} MB, to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
