"""Sentence and paragraph boundaries, with scraped-page clutter marked.

Needs: nothing (the raw ``doc.text``). Adds: ``doc._.sentences`` (list of
:class:`Sentence`) and ``token.is_sent_start``.

Written by hand rather than with spaCy's ``sentencizer`` because news text as
scraped breaks its rules: newlines are hard boundaries, headlines have no
final stop, "death.Two months" lacks the space, and "Oct. 9" or "U.S." must
not split. Each sentence also says whether it is a headline (present-tense
verbs there describe past events), boilerplate ("[ad_1]", "Read more",
photo captions, related-story lists) or a repeat of an earlier line (headlines
repeated between sections) — the latter two are skipped by later components,
so they never produce duplicate events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from types import MemberDescriptorType
from typing import Any

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract.numbers import lower_same_length
from refwatch.model.vocab import load

__all__ = ["Sentence", "doc_text", "doc_lower", "ext", "set_ext", "split_sentences", "sentences_component"]

if not Doc.has_extension("text"):
    Doc.set_extension("text", default=None)
if not Doc.has_extension("lower"):
    Doc.set_extension("lower", default=None)

_PLAIN: dict[str, bool] = {}  # extension name -> a plain value with default None (see ext)


def _plain(name: str) -> bool:
    plain = _PLAIN.get(name)
    if plain is None:
        plain = _PLAIN[name] = Doc.has_extension(name) and Doc.get_extension(name) == (None, None, None, None)
    return plain


def ext(doc: Doc, name: str) -> Any:
    """``getattr(doc._, name)``, read straight from where spaCy keeps it.

    spaCy stores a plain Doc extension's value in ``doc.user_data`` under
    ``("._.", name, None, None)``; reaching it through ``doc._`` builds an
    ``Underscore`` object and runs its Python ``__getattr__`` each time,
    about 3 µs, and the components read and write a few dozen values per
    document. Only for extensions registered with default None and no
    getter, setter or method (all of this package's); any other goes
    through ``doc._``.
    """
    if _plain(name):
        return doc.user_data.get(("._.", name, None, None))
    return getattr(doc._, name)


def set_ext(doc: Doc, name: str, value: Any) -> None:
    """``setattr(doc._, name, value)``, written straight where spaCy keeps it (see :func:`ext`)."""
    if _plain(name):
        doc.user_data[("._.", name, None, None)] = value
    else:
        setattr(doc._, name, value)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document.

    spaCy rebuilds ``Doc.text`` from every token on each access (about 0.15 ms
    for 4 KB), so each component reading it pays a full per-token pass. The
    pipeline stores the original string in ``doc._.text`` when it makes the
    Doc; a Doc made elsewhere gets it filled on first use.
    """
    text = ext(doc, "text")
    if text is None:
        text = doc.text
        set_ext(doc, "text", text)
    return text


def doc_lower(doc: Doc) -> str:
    """The document text lower-cased with offsets kept (``lower_same_length``),
    computed once per document and shared by every component that scans
    lower-case literals (dates, counts, shares; triggers and sources can too)."""
    low = ext(doc, "lower")
    if low is None:
        low = lower_same_length(doc_text(doc))
        set_ext(doc, "lower", low)
    return low


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text[start:end]``; ``block`` counts blank-line separated blocks."""

    start: int
    end: int
    index: int
    line: int
    block: int
    headline: bool = False
    skip: bool = False  # boilerplate or a repeated line


# An end of sentence: terminal punctuation, optional closing quotes/brackets, then
# space; or a full stop between a lower-case word and a capitalised one
# ("death.Two"). Written to start with the character class so that ``re``
# skips ahead to the next [.!?] in C; the same matches as
# ``[.!?]+[closers]*(?=\s)|(?<=[a-z]{2})\.(?=[A-Z][a-z])``, several times faster.
_END_RE = re.compile(r"[.!?](?:(?<=[.!?])[.!?]*[\"”’')\]]*(?=\s)|(?<=[a-z]{2}\.)(?=[A-Z][a-z]))")
# Words whose trailing full stop is not a sentence end.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "no", "vs", "gen", "gov", "sen", "rep", "lt", "col", "capt", "prof", "inc",
    "co", "corp", "jr", "sr", "approx", "est", "fig", "p", "pp", "u.s", "u.k", "u.n", "e.g", "i.e", "etc",
}
_WORD_BEFORE_RE = re.compile(r"([\w.]+)$")
_WORD_TAIL_RE = re.compile(r"[\w.]*\Z")  # searched with an end position: \Z is that end
_AD_RE = re.compile(r"^\s*\[ad_\d+\]")


#: Every floating boilerplate pattern ("(AP Photo", "Getty Images)", "file photo")
#: matches text holding one of these words, in ASCII letters that case folding
#: maps to these exactly; a line holding neither is never searched.
_FLOATING_HINTS = ("photo", "getty")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(anchored boilerplate, floating boilerplate, list header) patterns.

    Anchored patterns are tried at the line start only (``match``); the few
    others are searched for anywhere in the line, and only when the line holds
    one of :data:`_FLOATING_HINTS`.
    """
    lex = load("triggers")
    anchored = [p[1:] for p in lex["boilerplate"] if p.startswith("^")]
    floating = [p for p in lex["boilerplate"] if not p.startswith("^")]
    boiler = re.compile("|".join(f"(?:{p})" for p in anchored), re.IGNORECASE)
    floating_rx = re.compile("|".join(f"(?:{p})" for p in floating), re.IGNORECASE)
    list_header = re.compile(lex["list_headers"], re.IGNORECASE)
    return boiler, floating_rx, list_header


def _is_boilerplate(line: str) -> bool:
    """A stripped line that is scraped-page clutter (patterns in vocab "triggers")."""
    boiler, floating, _ = _patterns()
    if boiler.match(line) is not None:
        return True
    low = line.lower()
    return any(h in low for h in _FLOATING_HINTS) and floating.search(line) is not None


def _is_headline(line: str) -> bool:
    """A short line without a final stop, of several words (titles, section heads)."""
    s = line.strip()
    if not s or len(s) > 160 or s[-1] in ".!?;:" or len(s.split()) < 3:
        return False
    return not s.endswith(("”", '"')) or s.count(" ") < 20


_WORD_RUN_RE = re.compile(r"\w+")


def _norm(s: str) -> str:
    """Lower-cased words joined by single spaces (every run of non-word characters is one gap)."""
    return " ".join(_WORD_RUN_RE.findall(s.lower()))


_HEAD = 90  # characters of a normalised sentence compared to find repeats


#: Every character that is not a word character nor a plain space (those are spaces already).
_NON_WORD_RE = re.compile(r"[^\w ]")


#: ASCII bytes: every byte that is not a word character nor a plain space becomes a space ("?" too).
_ASCII_SPACED = bytes(b if b >= 128 or chr(b).isalnum() or b in b"_ " else 32 for b in range(256))
#: A character outside ASCII that is a word character (``\w`` and not ASCII).
_WIDE_WORD_RE = re.compile(r"[^\W\x00-\x7f]")


def _spaced(low: str) -> str:
    """``_NON_WORD_RE.sub(" ", low)``, without a regex replacement per character.

    Encoding with "replace" keeps one byte per character (a "?" for each one
    outside ASCII), so offsets hold; a byte table then blanks the ASCII
    non-word characters and every "?". Each "?" of the bytes that is not a
    "?" of ``low`` stands for a character outside ASCII: the few of those
    that are word characters (most are quotes and dashes) are put back.
    """
    raw = low.encode("ascii", "replace")
    spaced = raw.translate(_ASCII_SPACED).decode("ascii")
    parts: list[str] | None = None
    last = 0
    i = raw.find(b"?")
    while i >= 0:
        if _WIDE_WORD_RE.match(low, i) is not None:
            if parts is None:
                parts = []
            parts.append(spaced[last:i])
            parts.append(low[i])
            last = i + 1
        i = raw.find(b"?", i + 1)
    if parts is None:
        return spaced
    parts.append(spaced[last:])
    return "".join(parts)


def _norm_heads(text: str, low: str | None, spans: list[tuple[int, int]]) -> list[str]:
    """``[_norm_head(text, s, e) for s, e in spans]``, normalising the whole text once.

    In ``low`` (``text.lower()``) with every non-word character made a space,
    offsets are kept and the words of a sentence are the runs of non-spaces
    of its slice, so ``str.split`` gives what ``_norm`` finds with a regex
    per sentence. That needs ``text[s:e].lower() == text.lower()[s:e]``,
    which holds unless ``text`` has "İ" (whose lower case is two characters)
    or "Σ" (whose lower case depends on the letters around it); then each
    sentence is normalised apart.
    """
    if "\u0130" in text or "\u03a3" in text:
        return [_norm_head(text, s, e) for s, e in spans]
    spaced = _spaced(text.lower() if low is None else low)
    out: list[str] = []
    for s, e in spans:
        if e - s > 2 * _HEAD:
            head = " ".join(spaced[s:s + 2 * _HEAD].split())
            if head.rfind(" ") >= _HEAD:
                out.append(head[:_HEAD])
                continue
        out.append(" ".join(spaced[s:e].split())[:_HEAD])
    return out


def _norm_head(text: str, start: int, end: int) -> str:
    """``_norm(text[start:end])[:_HEAD]``, normalising only as much of a long sentence as that needs.

    The normalised form of a prefix agrees with the whole sentence's up to
    its last word, which the cut may have shortened: when that word begins
    after ``_HEAD``, the head is the same.
    """
    if end - start > 2 * _HEAD:
        head = _norm(text[start:start + 2 * _HEAD])
        if head.rfind(" ") >= _HEAD:
            return head[:_HEAD]
    return _norm(text[start:end])[:_HEAD]


def _word_before(text: str, start: int, end: int) -> str:
    """The run of word characters and dots ending at ``end`` (not before ``start``), lower-cased.

    Same as ``_WORD_BEFORE_RE.search(text, start, end)`` (``\\w`` is what
    ``str.isalnum`` accepts, and "_"), read backwards from ``end``: a regex
    search tries every position before the word.
    """
    lo = end - 16 if end - 16 > start else start
    m = _WORD_TAIL_RE.search(text, lo, end)  # the leftmost start of a [\w.] run reaching ``end``
    if m.start() > lo or lo == start:
        return m.group().lower()
    i = lo  # the run fills the window: go on backwards
    while i > start:
        ch = text[i - 1]
        if not (ch.isalnum() or ch == "." or ch == "_"):
            break
        i -= 1
    return text[i:end].lower()


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one line (no newline inside)."""
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _END_RE.finditer(text, start, end):
        stop = m.end()
        if stop - m.start() == 1 and text[stop - 1] == ".":  # the match is a lone "."
            word = _word_before(text, cur, m.start())
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
            # "Oct. 9", "No. 3": a full stop followed by a digit continues the sentence.
            nxt = text[stop:stop + 3].lstrip()
            if nxt[:1].isdigit() and word[:3] in _ABBREV:
                continue
        nxt_char = text[stop:stop + 2].lstrip()[:1]
        if nxt_char and nxt_char.islower():
            continue
        spans.append((cur, stop))
        cur = stop
    if cur < end:
        spans.append((cur, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def split_sentences(text: str, low: str | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with offsets, headline and skip flags.

    ``low`` is ``lower_same_length(text)`` when the caller has it (the
    pipeline shares one per document).
    """
    list_header = _patterns()[2]
    raw: list[tuple[int, int, int, int, bool, bool]] = []
    line_no = block = 0
    pos = 0
    in_list = False
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        line = text[pos:nl]
        stripped = (_AD_RE.sub("", line) if "[ad_" in line else line).strip()
        if not stripped:
            block += 1 if raw and raw[-1][3] == block else 0
        else:
            is_boiler = _is_boilerplate(stripped)
            if list_header.match(stripped):
                in_list, is_boiler = True, True
            elif in_list and stripped[:1] in "-•*–":
                is_boiler = True
            else:
                in_list = False
            headline = _is_headline(stripped)
            first = pos + line.index(stripped)
            spans = [(first, first + len(stripped))] if headline else _split_line(text, first, nl)
            for s, e in spans:
                raw.append((s, e, line_no, block, headline, is_boiler))
        line_no += 1
        pos = nl + 1
    # A sentence repeated later (headline copies, teaser lines) keeps its last copy only,
    # so the copy standing in its context is the one read.
    keys = _norm_heads(text, low, [(r[0], r[1]) for r in raw])
    last_of: dict[str, int] = {}
    for i, k in enumerate(keys):
        if len(k) >= 12:
            last_of[k] = i
    out: list[Sentence] = []
    for i, (s, e, ln, bl, head, boil) in enumerate(raw):
        k = keys[i]
        skip = boil or (len(k) >= 12 and last_of.get(k, i) != i)
        out.append(_new_sentence(s, e, i, ln, bl, head, skip))
    return out


def _sentence_maker():
    """A function making a :class:`Sentence` from its seven fields, in their order, as ``Sentence(...)`` does.

    The frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; writing the slots through their descriptors
    makes the same object in half the time (a 4 KB report has about fifty
    sentences).
    """
    new = object.__new__
    setters = [getattr(Sentence, f.name).__set__ for f in fields(Sentence)]
    if len(setters) != 7 or not all(isinstance(getattr(Sentence, f.name), MemberDescriptorType)
                                    for f in fields(Sentence)):
        return Sentence
    s0, s1, s2, s3, s4, s5, s6 = setters

    def make(start: int, end: int, index: int, line: int, block: int, headline: bool, skip: bool) -> Sentence:
        obj = new(Sentence)
        s0(obj, start)
        s1(obj, end)
        s2(obj, index)
        s3(obj, line)
        s4(obj, block)
        s5(obj, headline)
        s6(obj, skip)
        return obj

    return make


_new_sentence = _sentence_maker()


def _set_sent_starts(doc: Doc, sentences: list[Sentence]) -> None:
    """Mark sentence starts in one array write (the per-token setter re-checks the whole doc each time)."""
    if not len(doc):
        return
    idx = doc.to_array([IDX])
    flags = numpy.full((len(doc), 1), -1, dtype="int32").astype("uint64")
    flags[0, 0] = 1
    if sentences:
        starts = numpy.fromiter((s.start for s in sentences), dtype=idx.dtype, count=len(sentences))
        pos = numpy.searchsorted(idx, starts)  # one call for all sentences
        inside = pos < len(doc)
        pos = pos[inside]
        pos = pos[idx[pos] == starts[inside]]
        flags[pos, 0] = 1
    doc.from_array([SENT_START], flags)


@Language.component("refwatch_sentences", assigns=["doc._.sentences", "token.is_sent_start"])
def sentences_component(doc: Doc) -> Doc:
    sentences = split_sentences(doc_text(doc), doc_lower(doc))
    set_ext(doc, "sentences", sentences)
    _set_sent_starts(doc, sentences)
    return doc
