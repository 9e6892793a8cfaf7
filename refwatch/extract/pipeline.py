"""The extraction pipeline: a blank spaCy English pipeline plus rule components.

    sentences → places → dates → triggers → counts → victims → sources → events

Each component is one module that declares what it needs and adds (Doc
extensions under ``doc._``). No model is downloaded: ``spacy.blank("en")``
gives the tokenizer, and every annotation is a rule over the text. Use
:func:`extract` for one text and :func:`extract_many` for a stream (it runs
each component over a small batch in turn, and keeps no per-document state
between batches, so memory stays flat over long runs).

Counts run after triggers and only read the sentences event assembly can
use a figure from (see :func:`counts_component`): most numbers of a report
(years, distances, prices, ages) sit in sentences that tell no event, and
reading each costs more than the rest of the sentence's annotations.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from itertools import islice

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from refwatch.extract import events as _events  # noqa: F401  (registers the component)
from refwatch.extract import places as _places  # noqa: F401
from refwatch.extract import sentences as _sentences  # noqa: F401
from refwatch.extract import sources as _sources  # noqa: F401
from refwatch.extract import triggers as _triggers  # noqa: F401
from refwatch.extract import victims as _victims  # noqa: F401
from refwatch.extract.counts import find_counts, find_shares
from refwatch.extract.dates import find_dates
from refwatch.extract.sentences import doc_lower, doc_text, ext, set_ext
from refwatch.model.records import Claim

__all__ = ["build_pipeline", "nlp", "extract", "extract_many", "claim_to_json", "COMPONENTS"]

COMPONENTS = ("refwatch_sentences", "refwatch_places", "refwatch_dates", "refwatch_triggers", "refwatch_counts",
              "refwatch_victims", "refwatch_sources", "refwatch_events")

_EXTENSIONS = ("published", "sentences", "places", "dates", "counts", "shares", "triggers", "victims", "sources",
               "main_source", "events")
for _name in _EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.component("refwatch_dates", assigns=["doc._.dates"], requires=["doc._.sentences"])
def dates_component(doc: Doc) -> Doc:
    """Dates as day ranges (refwatch.extract.dates), resolved against ``doc._.published``."""
    set_ext(doc, "dates", find_dates(doc_text(doc), ext(doc, "published"), low=doc_lower(doc)))
    return doc


@Language.component("refwatch_counts", assigns=["doc._.counts", "doc._.shares"],
                    requires=["doc._.sentences", "doc._.dates", "doc._.triggers"])
def counts_component(doc: Doc) -> Doc:
    """Head counts and shares (refwatch.extract.counts) in the sentences events can take them from.

    Event assembly reads the figures of a sentence that holds an event word
    (blocked or not), of a sentence with a tally word ("instances", "in
    total") that may continue the event before it, and of the blocks of a
    dated log ("2023-08-14 — Arrest."); shares also in the sentence after an
    event word. Other sentences are not read.
    """
    text = doc_text(doc)
    low = doc_lower(doc)
    sentences = ext(doc, "sentences") or []
    with_event = {t.sentence for t in ext(doc, "triggers") or ()}
    wanted = set(with_event)
    wanted.update(_tally_sentences(text, low, sentences, wanted))
    wanted.update(_log_sentences(text, sentences, ext(doc, "dates") or ()))
    set_ext(doc, "counts", find_counts(text, low, spans=_spans(sentences, wanted)))
    set_ext(doc, "shares", find_shares(text, low, spans=_spans(sentences, wanted | {i + 1 for i in with_event})))
    return doc


_TALLY_WORDS = ("instance", "case", "incident", "total", "altogether", "combined", "tally")


def _spans(sentences: list, wanted: set[int]) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in sentences if s.index in wanted and not s.skip]


def _tally_sentences(text: str, low: str, sentences: list, skip: set[int]) -> set[int]:
    """Sentences (other than ``skip``) with a tally word (the events module's ``aggregate_markers``)."""
    from refwatch.extract.events import _lex

    # Every marker holds one of these words: only sentences holding one are searched.
    hits: list[int] = []
    for w in _TALLY_WORDS:
        i = low.find(w)
        while i >= 0:
            hits.append(i)
            i = low.find(w, i + 1)
    if not hits:
        return set()
    aggregate = _lex().aggregate
    starts = [s.start for s in sentences]
    out: set[int] = set()
    seen = set(skip)
    for pos in sorted(hits):
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0 or i in seen or sentences[i].skip or pos >= sentences[i].end:
            continue
        seen.add(i)
        s = sentences[i]
        if aggregate.search(text, s.start, s.end) is not None:
            out.add(i)
    return out


def _log_sentences(text: str, sentences: list, dates) -> set[int]:
    """Every sentence of a block whose first sentence opens with a date (a log entry heading may)."""
    opening = {d.start for d in dates}
    blocks: set[int] = set()
    seen: set[int] = set()
    for s in sentences:
        if s.skip or s.block in seen:
            continue
        seen.add(s.block)
        first = s.start + len(text[s.start:s.end]) - len(text[s.start:s.end].lstrip())
        if first in opening:
            blocks.add(s.block)
    return {s.index for s in sentences if s.block in blocks} if blocks else set()


def build_pipeline() -> Language:
    """A fresh pipeline with every component in order."""
    pipeline = spacy.blank("en")
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The shared pipeline of this process."""
    return build_pipeline()


def _make_doc(text: str, published: date | None) -> Doc:
    doc = nlp().make_doc(text)
    set_ext(doc, "text", text)  # spaCy rebuilds doc.text from the tokens on every access
    set_ext(doc, "published", published)
    return doc


def extract(text: str, published: date | None = None) -> list[Claim]:
    """The events one document asserts; ``published`` resolves relative dates."""
    return ext(nlp()(_make_doc(text, published)), "events")


_BATCH_CAP = 16


def extract_many(items: Iterable[tuple[str, date | None]], batch_size: int = 64) -> Iterator[list[Claim]]:
    """Claims for each ``(text, published)`` pair, in order, processed in batches.

    Each batch goes through the pipeline one component at a time (every
    document of the batch, then the next component) rather than one document
    at a time as ``nlp.pipe`` does for plain function components: the same
    results, since no component keeps state between documents, for about a
    fifth less CPU time, as each rule's code and compiled patterns stay in
    the processor's caches. Only one batch of documents is alive at a time,
    of at most ``_BATCH_CAP`` documents: each holds about 0.3 MB while it is
    processed, and larger batches gain no speed.
    """
    procs = [proc for _name, proc in nlp().pipeline]
    stream = iter(items)
    size = max(1, min(batch_size, _BATCH_CAP))
    while True:
        batch = [_make_doc(text, published) for text, published in islice(stream, size)]
        if not batch:
            return
        was_enabled = gc.isenabled()
        gc.disable()  # see the note below on cyclic garbage collection
        try:
            for proc in procs:
                batch = [proc(doc) for doc in batch]
            results = [ext(doc, "events") for doc in batch]
            batch = None  # the Docs go before the collector runs again
        finally:
            if was_enabled:
                gc.enable()
        yield from results
        if not _frozen:
            results = None
            _freeze_long_lived()


# Cyclic garbage collection: while a batch runs through the components, the cyclic
# garbage collector is switched off. The rules allocate many short-lived
# objects (matches, atoms, candidates) that reference counting frees at once;
# yet every 700 allocations the collector walked every young object still
# alive, the batch's Docs and annotations included, tens of times per batch
# (about 3% of the CPU time). Allocations are still counted while it is off,
# so the first allocation after the batch runs one young-generation
# collection, which frees whatever cycles the batch left: memory stays flat.

_frozen = False


def _freeze_long_lived() -> None:
    """Once per process, after the first batch: exempt what is alive then from cyclic garbage collection.

    By then the vocabularies, the gazetteer, compiled patterns and spaCy's
    vocab are loaded; they live as long as the process, yet every full
    collection walked them again (about 4% of the extraction's CPU time over
    a long run). Garbage is collected first, so nothing dead is kept;
    reference counting still frees whatever of it dies later.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def claim_to_json(claim: Claim) -> dict:
    """One event in the ``refwatch extract --json`` contract (DESIGN.md)."""
    c = claim.count
    return {
        "type": claim.type,
        "date": {"earliest": _iso(claim.date.earliest), "latest": _iso(claim.date.latest), "text": claim.date.text},
        "places": [{"name": p.name, "kind": p.kind, "country": p.country, "lat": p.lat, "lon": p.lon, "text": p.text}
                   for p in claim.places],
        "count": None if c is None else {"best": c.best, "qualifier": c.qualifier, "low": c.low, "high": c.high,
                                         "unit": c.unit, "text": c.text},
        "victims": [{"name": v.name, "text": v.text} for v in claim.victims],
        "sources": list(claim.sources),
        "evidence": [{"start": s.start, "end": s.end, "text": s.text} for s in claim.evidence],
        "confidence": claim.confidence,
        "aggregate": claim.aggregate,
        "share_women": claim.share_women,
    }
