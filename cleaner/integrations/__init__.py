"""Integrations with pipeline frameworks, each behind its own extra.

- `cleaner.integrations.scrapy`: an item pipeline (`pip install 'cleaner[scrapy]'`).
- `cleaner.integrations.dask`: cleaning a `dask.bag` of records (`pip install 'cleaner[dask]'`).
"""
