"""Scrapy item pipeline: each scraped item leaves the spider with its article cleaned.

Enable it in the project's settings::

    ITEM_PIPELINES = {"cleaner.integrations.scrapy.CleanerPipeline": 300}
    CLEANER_RULES = ["my-rules"]     # extra rule folders (optional)
    CLEANER_ON_ERROR = "drop"        # or "flag": keep the item with an `error` field

Items are read with `ItemAdapter`, so dicts, `scrapy.Item`, dataclass and attrs items all
work. The item gets the same fields as a JSONL record (`text` replaced by the cleaned text,
`original_text`, `title`, `metadata`, `removed`, `warnings`...); an item class with declared
fields only gets the fields it declares. Counters go to the crawl stats under `cleaner/`
(documents, sites, warnings, errors, each rule's hits, and the rule health: sites no rule
fired on, a site's rules that never fired), and the batch summary is logged when the spider
closes.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from ..core import Cleaner
from ..records import DEFAULT_FIELDS, ERROR_FIELD, RecordFields, clean_record
from ..stats import BatchStats, RecordSummary, summarize

ON_ERROR_CHOICES = ("drop", "flag")
SETTING_RULES = "CLEANER_RULES"
SETTING_ON_ERROR = "CLEANER_ON_ERROR"
SETTING_LANGUAGE = "CLEANER_DETECT_LANGUAGE"
SETTING_ENABLED = "CLEANER_ENABLED"
FIELD_SETTINGS = {  # RecordFields attribute -> the setting naming that item field
    "text": "CLEANER_TEXT_FIELD",
    "html": "CLEANER_HTML_FIELD",
    "url": "CLEANER_URL_FIELD",
    "site": "CLEANER_SITE_FIELD",
}
STATS_PREFIX = "cleaner"
# How a record without the text field is told to name it: the setting, not the CLI's option.
TEXT_FIELD_HINT = FIELD_SETTINGS["text"] + " = {!r}"

logger = logging.getLogger(__name__)


class CleanerPipeline:
    """Cleans the text (or HTML) field of every item; drops or flags items it cannot clean."""

    def __init__(
        self,
        cleaner: Cleaner,
        fields: RecordFields = DEFAULT_FIELDS,
        on_error: str = "drop",
        crawler_stats: Any = None,
    ) -> None:
        if on_error not in ON_ERROR_CHOICES:
            # An error, not NotConfigured: a mistyped setting must stop the crawl, not let
            # it export every item uncleaned.
            raise ValueError(
                f"cleaner: {SETTING_ON_ERROR} = {on_error!r}: must be one of {ON_ERROR_CHOICES}"
            )
        self.cleaner = cleaner
        self.fields = fields
        self.on_error = on_error
        self.crawler_stats = crawler_stats
        self.batch = BatchStats()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanerPipeline:
        """Build the pipeline from the crawler's settings (rules load once, here)."""
        settings = crawler.settings
        if not settings.getbool(SETTING_ENABLED, True):
            raise NotConfigured(f"{SETTING_ENABLED} is off")
        fields = RecordFields(
            **{
                name: settings.get(setting) or getattr(DEFAULT_FIELDS, name)
                for name, setting in FIELD_SETTINGS.items()
            }
        )
        cleaner = Cleaner(
            settings.getlist(SETTING_RULES),
            detect_language=settings.getbool(SETTING_LANGUAGE, True),
        )
        return cls(cleaner, fields, settings.get(SETTING_ON_ERROR, "drop"), crawler.stats)

    def process_item(self, item: Any) -> Any:
        """Clean one item; raise DropItem (or flag it) when it cannot be cleaned."""
        adapter = ItemAdapter(item)
        record = adapter.asdict()
        out = clean_record(self.cleaner, record, self.fields, text_field_option=TEXT_FIELD_HINT)
        summary = summarize(out, self.fields.text)
        self.batch.add(summary)
        self._count(summary)
        declared = None if isinstance(adapter.item, dict) else set(adapter.field_names())
        if ERROR_FIELD in out:  # a cleaned record never carries one (an input's is moved)
            error = out[ERROR_FIELD]
            reason = f"cleaner: {error['code']}: {error['message']}"
            if self.on_error == "drop":
                raise DropItem(reason)
            if declared is not None and ERROR_FIELD not in declared:
                # An item class without the field cannot be flagged: dropped, never passed on
                # as if it were cleaned.
                raise DropItem(
                    f"{reason} (CLEANER_ON_ERROR = 'flag' needs an {ERROR_FIELD!r} field on "
                    f"{type(adapter.item).__name__})"
                )
        for key, value in out.items():
            if declared is not None and key not in declared:
                continue
            if key not in record or record[key] != value:
                adapter[key] = value
        for key in record.keys() - out.keys():  # e.g. a stale `error` of an earlier step
            del adapter[key]
        return item

    def close_spider(self) -> None:
        """Log the batch summary, with rule health, when the crawl ends."""
        if self.batch.documents or self.batch.errors:
            summary = self.batch.format(
                self.cleaner, f"all in the crawl stats, {STATS_PREFIX}/rules/"
            )
            logger.info("%s", summary.rstrip())
        if self.crawler_stats is not None:
            health = self.batch.rule_health(self.cleaner)
            for site in health["sites_matching_no_rule"]:
                self.crawler_stats.set_value(f"{STATS_PREFIX}/rule_health/silent_site/{site}", 1)
            for site, found in health["sites_rarely_matching"].items():
                key = f"{STATS_PREFIX}/rule_health/rarely_matching/{site}"
                self.crawler_stats.set_value(key, found["top_rule_documents"])
            for site, rules in health["unused_site_rules"].items():
                self.crawler_stats.set_value(
                    f"{STATS_PREFIX}/rule_health/never_fired/{site}", ", ".join(rules)
                )

    def _count(self, summary: RecordSummary) -> None:
        stats = self.crawler_stats
        if stats is None:
            return
        if summary.error is not None:
            stats.inc_value(f"{STATS_PREFIX}/errors/{summary.error}")
            return
        stats.inc_value(f"{STATS_PREFIX}/documents")
        stats.inc_value(f"{STATS_PREFIX}/site/{summary.site or 'generic'}")
        for code in summary.warnings:
            stats.inc_value(f"{STATS_PREFIX}/warnings/{code}")
        for rule in summary.rules:
            stats.inc_value(f"{STATS_PREFIX}/rules/{rule}")
