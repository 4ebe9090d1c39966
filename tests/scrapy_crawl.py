"""A real Scrapy crawl with the cleaner pipeline, run in its own process by the tests.

Usage: python scrapy_crawl.py START_URL FEED_PATH ON_ERROR
Follows every link of the start page and yields one item per article page.
"""

from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class ArticleSpider(scrapy.Spider):
    """Scrapes the article text (the page's <pre id="article">) and the site name."""

    name = "articles"

    def __init__(self, start: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response):
        yield from response.follow_all(css="a.article", callback=self.parse_article)

    def parse_article(self, response):
        yield {
            "url": response.url,
            "site": response.css("meta[name=site]::attr(content)").get(),
            "text": response.css("pre#article::text").get(default=""),
        }


def main(start: str, feed: str, on_error: str) -> None:
    process = CrawlerProcess(
        settings={
            "ITEM_PIPELINES": {"cleaner.integrations.scrapy.CleanerPipeline": 300},
            "CLEANER_ON_ERROR": on_error,
            "FEEDS": {feed: {"format": "jsonlines", "encoding": "utf-8"}},
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            # The cookie middleware's domain splitter would fetch the public suffix list.
            "COOKIES_ENABLED": False,
            "LOG_LEVEL": "INFO",
            "CONCURRENT_REQUESTS": 4,
        }
    )
    process.crawl(ArticleSpider, start=start)
    process.start()


if __name__ == "__main__":
    main(*sys.argv[1:4])
