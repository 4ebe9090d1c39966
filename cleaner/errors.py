"""The time-out a document can run into. Alone in a module that mypyc does not compile (see
setup.py): a compiled class cannot derive from a built-in exception other than Exception."""


class CleanTimeout(TimeoutError):
    """A document used up its time budget (e.g. a catastrophic rule regex)."""
