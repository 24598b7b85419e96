"""One small hierarchy of errors; each names the input and says what to do."""
from __future__ import annotations


class YrdError(Exception):
    """Base of every error yrd raises on purpose."""


class InputError(YrdError):
    """An input that cannot be read as an article. ``where`` names it, ``reason`` is one line."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class Skipped(InputError):
    """An input left out on purpose (a second link to a file already read, a link loop): said, but no failure."""


class Rejected(YrdError):
    """The cleaner found no article in an input that was otherwise readable."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason
