"""cleaner: removes site furniture from scraped news articles and says what it removed.

>>> from cleaner import Cleaner
>>> result = Cleaner().clean(text, url="https://www.dawn.com/news/1")
>>> print(result.text)
"""

from importlib.machinery import EXTENSION_SUFFIXES

from . import engine
from .core import Cleaner, CleanError, clean
from .model import Caption, CleanResult, CleanWarning, Metadata, Removal
from .rules import RuleError

__version__ = "0.1.0"
# Whether the per-line modules run as C extensions built by mypyc (see setup.py) or as Python.
COMPILED = (engine.__file__ or "").endswith(tuple(EXTENSION_SUFFIXES))

__all__ = [
    "COMPILED",
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
