"""cleaner: removes site furniture from scraped news articles and says what it removed.

>>> from cleaner import Cleaner
>>> result = Cleaner().clean(text, url="https://www.dawn.com/news/1")
>>> print(result.text)
"""

from .core import Cleaner, CleanError, clean
from .model import Caption, CleanResult, CleanWarning, Metadata, Removal
from .rules import RuleError

__version__ = "0.1.0"

__all__ = [
    "Caption",
    "CleanError",
    "CleanResult",
    "CleanWarning",
    "Cleaner",
    "Metadata",
    "Removal",
    "RuleError",
    "__version__",
    "clean",
]
