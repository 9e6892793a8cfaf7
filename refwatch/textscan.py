"""Whether a text can hold characters of a block of Unicode, answered at C speed.

A regex character class walks the text one character at a time in Python's
regex engine (about 7 µs per 1,000 characters); importing English reports,
that walk was among the costliest steps of reading a plain-text file. UTF-8
writes every character from U+0800 to U+FFFF as three bytes, the first of
which is ``0xE0 | (code point >> 12)``, and no other byte takes those values.
Encoding the text and deleting every other byte value (``bytes.translate``)
runs at memory speed: when nothing is left, no character of the block can be
there. What is left may be a false alarm (the test has a 4,096-character
grain), so a caller that gets True confirms with its own exact test.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def _all_but_leads(low: int, high: int) -> bytes:
    keep = range(0xE0 | (low >> 12), (0xE0 | (high >> 12)) + 1)
    return bytes(b for b in range(256) if b not in keep)


def may_hold(text: str, low: int, high: int) -> bool:
    """False when no character of ``text`` lies in U+low..U+high (within U+0800..U+FFFF)."""
    if not 0x800 <= low <= high <= 0xFFFF:
        raise ValueError("the block must lie within U+0800..U+FFFF")
    if text.isascii():
        return False
    encoded = text.encode("utf-8", "surrogatepass")
    return bool(encoded.translate(None, _all_but_leads(low, high)))
