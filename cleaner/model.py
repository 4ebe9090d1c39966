"""The records cleaner works on and returns: lines, removals, metadata and the result; and the
time-out a document can run into."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The removal kinds a rule may declare. Kept small so batch statistics stay readable.
KINDS: frozenset[str] = frozenset(
    {
        "advertisement",
        "byline",
        "caption",
        "cookie",
        "counter",
        "credit",
        "dateline",
        "duplicate",
        "footer",
        "label",
        "logo",
        "navigation",
        "newsletter",
        "other",
        "other-story",
        "related",
        "section",
        "share",
        "signature",
        "tags",
        "timestamp",
        "title",
    }
)

# Metadata fields a rule may capture with a named group, and how each is stored.
DATE_FIELDS: frozenset[str] = frozenset({"published", "modified"})
TEXT_FIELDS: frozenset[str] = frozenset({"agency", "section"})
LIST_FIELDS: frozenset[str] = frozenset({"authors"})
CAPTION_GROUPS: frozenset[str] = frozenset({"caption", "credit"})
CAPTURE_GROUPS: frozenset[str] = DATE_FIELDS | TEXT_FIELDS | LIST_FIELDS | CAPTION_GROUPS


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty input line after whitespace normalization.

    `no` is the 1-based line number in the original input, so removals can be traced back;
    `blank_after` counts the blank input lines right after it (a layout signal: some sites'
    scrapes set captions apart with two).
    """

    no: int
    text: str
    blank_after: int = 0


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed line and the rule that removed it."""

    line: int
    text: str
    rule: str
    kind: str
    captured: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "line": self.line,
            "text": self.text,
            "rule": self.rule,
            "kind": self.kind,
        }
        if self.captured:
            out["captured"] = dict(self.captured)
        return out


@dataclass(frozen=True, slots=True)
class Note:
    """Metadata a `note` rule read from a line that stays in the text (a wire dateline or a
    closing agency credit), and the rule that read it."""

    line: int
    text: str
    rule: str
    kind: str
    captured: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "text": self.text,
            "rule": self.rule,
            "kind": self.kind,
            "captured": dict(self.captured),
        }


@dataclass(frozen=True, slots=True)
class CleanWarning:
    """Something the cleaner was unsure about; the text was kept."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption taken out of the text."""

    text: str
    credit: str | None = None


@dataclass(slots=True)
class Metadata:
    """What the rules captured: from removed lines first, then from notes on kept lines."""

    published: str | None = None
    modified: str | None = None
    agency: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    captions: list[Caption] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CleanResult:
    """The cleaned article and everything that was taken out of it."""

    title: str
    paragraphs: list[str]
    site: str | None
    site_source: str
    language: str | None
    metadata: Metadata
    removed: list[Removal]
    warnings: list[CleanWarning]
    input_format: str = "text"
    encoding: str | None = None  # how input bytes were decoded; None when given as text
    noted: list[Note] = field(default_factory=list)  # metadata read from kept lines

    @property
    def text(self) -> str:
        """The text output contract: headline, blank line, paragraphs separated by blank lines."""
        if not self.title and not self.paragraphs:
            return ""
        blocks = [self.title, *self.paragraphs] if self.title else list(self.paragraphs)
        return "\n\n".join(blocks) + "\n"

    @property
    def body(self) -> str:
        """The body paragraphs without the headline."""
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "body": self.body,
            "site": self.site,
            "site_source": self.site_source,
            "language": self.language,
            "input_format": self.input_format,
            "encoding": self.encoding,
            "metadata": self.metadata.to_dict(),
            "removed": [r.to_dict() for r in self.removed],
            "noted": [n.to_dict() for n in self.noted],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanResult:
        """A result read back from its `to_dict` form (a cleaned JSONL record)."""
        meta = data.get("metadata") or {}
        return cls(
            title=data.get("title") or "",
            paragraphs=list(data.get("paragraphs") or []),
            site=data.get("site"),
            site_source=data.get("site_source") or "",
            language=data.get("language"),
            metadata=Metadata(
                published=meta.get("published"),
                modified=meta.get("modified"),
                agency=meta.get("agency"),
                authors=list(meta.get("authors") or []),
                section=meta.get("section"),
                captions=[Caption(c["text"], c.get("credit")) for c in meta.get("captions") or []],
            ),
            removed=[
                Removal(
                    r["line"],
                    r["text"],
                    r["rule"],
                    r["kind"],
                    tuple((r.get("captured") or {}).items()),
                )
                for r in data.get("removed") or []
            ],
            warnings=[CleanWarning(w["code"], w["message"]) for w in data.get("warnings") or []],
            input_format=data.get("input_format") or "text",
            encoding=data.get("encoding"),
            noted=[
                Note(n["line"], n["text"], n["rule"], n["kind"], tuple(n["captured"].items()))
                for n in data.get("noted") or []
            ],
        )


# Here, not in text.py where the budget raises it: mypyc compiles text.py (see setup.py), and a
# compiled class cannot derive from a built-in exception other than Exception.
class CleanTimeout(TimeoutError):
    """A document used up its time budget (e.g. a catastrophic rule regex)."""
