"""Extraction: events from English reports, every figure traced to its sentence.

Entry points: :func:`refwatch.extract.pipeline.extract` (one text),
:func:`refwatch.extract.pipeline.extract_many` (a stream, batched) and
:func:`refwatch.extract.pipeline.claim_to_json` (the ``refwatch extract --json``
event contract). Scoring against gold: :mod:`refwatch.extract.evaluate`.
"""
