"""The one error every capture reader raises for input it cannot take."""

from __future__ import annotations


class CaptureError(Exception):
    """A file (or one item in it) could not be captured.

    ``reason`` is one line that says what is wrong with the *input* (never
    its content: documents may name people at risk, so no excerpt of the
    text ever goes into an error message).
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = " ".join(str(reason).split())  # always one line
        super().__init__(f"{self.path}: {self.reason}")

    def __reduce__(self):  # keep the two fields when pickled across processes
        return (self.__class__, (self.path, self.reason))


class UndecodableError(ValueError):
    """Bytes that are not text in any encoding we recognise (binary data)."""
