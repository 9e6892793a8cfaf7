"""Full-text search behind one function, whichever engine holds the documents.

SQLite: two FTS5 indexes. The word index (``refwatch.store.word_index``: word
tokens, every document, in a file of its own; whole words first, prefixes when
words find nothing, so "repatriat" still finds "repatriated") ranks with bm25;
it holds no text, so the snippet is cut from the document around the matched
words. A term in Hangul or Han script is matched in ``documents_cjk`` (the
trigram tokenizer: substrings, so Korean particles and unspaced Chinese match),
or with LIKE when it is shorter than three characters (no trigram). PostgreSQL: the ``tsv`` column with ``ts_rank`` and
``ts_headline``; when words do not match (Korean particles, Chinese), a
substring search (ILIKE, indexed by pg_trgm when it is installed) fills in.

The query is never spliced into SQL or into FTS syntax: every term is bound as a
parameter and, for FTS5, wrapped as a quoted string, so operators such as
``OR``, ``NEAR``, ``*``, ``"`` or ``'; DROP TABLE`` are searched as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from sqlalchemy import text as sql

from refwatch.store import word_index

_WORDS = word_index.TABLE
MARK_START, MARK_END = "\u27e6", "\u27e7"  # ⟦ ⟧ around each match in a snippet
_MAX_TERMS = 16
_TRIGRAM = 3
# bm25 is computed for at most this many matches, the newest ones: a query that
# matches most of a large store ("police arrested") stays fast, and ranks the
# most recent documents. A narrower query is ranked over all its matches.
RANK_WINDOW = 2000


@dataclass
class SearchHit:
    id: int
    sha256: str
    title: str | None
    snippet: str  # plain text; matches wrapped in MARK_START … MARK_END
    score: float  # higher is better (comparable within one result list only)


def snippet_html(snippet: str) -> str:
    """The snippet as safe HTML, matches in <mark>."""
    return escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def terms_of(query: str) -> list[str]:
    """Split a query into search terms (whitespace; control characters dropped)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in query)
    seen: list[str] = []
    for term in cleaned.split():
        if term.casefold() not in (t.casefold() for t in seen):
            seen.append(term)
    return seen[:_MAX_TERMS]


def fts5_phrase(term: str) -> str:
    """One FTS5 string literal: double quotes doubled, so no operator survives."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(store, query: str, limit: int = 20) -> list[SearchHit]:  # noqa: ANN001 (Store; avoids an import cycle)
    """Ranked hits for ``query`` (all terms must match), best first."""
    terms = terms_of(query)
    limit = max(1, min(int(limit), 1000))
    if not terms:
        return []
    if store.dialect == "sqlite":
        word_index.ensure_current(store)
        with store.search_engine.connect() as conn:
            return _sqlite(conn, terms, limit)
    with store.engine.connect() as conn:
        return _postgres(conn, query, terms, limit)


def _like_clauses(terms: list[str], params: dict, prefix: str, escape_clause: str) -> list[str]:
    clauses = []
    for i, term in enumerate(terms):
        params[f"{prefix}{i}"] = like_pattern(term)
        clauses.append(f"(coalesce(d.title, '') {{op}} :{prefix}{i} {escape_clause} "
                       f"OR d.text {{op}} :{prefix}{i} {escape_clause})")
    return clauses


def optimize_index(store) -> None:  # noqa: ANN001
    """Merge the trigram index's segments into one (SQLite; PostgreSQL's GIN needs nothing).

    Batched ingest leaves many small segments. The word index is not merged
    here: written in 4,000-row transactions and merged 16 segments at a time
    (``refwatch.store.word_index``), it answered two-word queries over 100,000
    documents as fast unmerged as merged (p95 57.3 vs 56.9 ms, same load), and
    the full merge cost 7-9 s at the end of such an import.
    """
    if store.dialect != "sqlite":
        return
    with store.write() as conn:
        conn.exec_driver_sql("INSERT INTO documents_cjk(documents_cjk) VALUES ('optimize')")


def is_cjk(term: str) -> bool:
    return any("\u3131" <= ch <= "\ud7a3" for ch in term)


def _sqlite(conn, terms: list[str], limit: int) -> list[SearchHit]:  # noqa: ANN001
    words = [t for t in terms if not is_cjk(t) and any(ch.isalnum() for ch in t)]
    cjk_long = [t for t in terms if is_cjk(t) and len(t) >= _TRIGRAM]
    cjk_short = [t for t in terms if is_cjk(t) and len(t) < _TRIGRAM]
    params: dict = {"limit": limit}
    likes = [c.format(op="LIKE") for c in _like_clauses(cjk_short, params, "s", "ESCAPE '\\'")]
    if words:
        table, params["match"] = _WORDS, " ".join(fts5_phrase(t) for t in words)
        if cjk_long:
            params["cjk"] = " ".join(fts5_phrase(t) for t in cjk_long)
            likes.append("d.id IN (SELECT rowid FROM documents_cjk WHERE documents_cjk MATCH :cjk)")
    elif cjk_long:
        table, params["match"] = "documents_cjk", " ".join(fts5_phrase(t) for t in cjk_long)
    else:
        return _substring(conn, cjk_short, limit, params, likes)
    hits = _ranked(conn, table, params, likes, terms)
    if not hits and words:  # no whole word matched: try the words as prefixes
        params["match"] = " ".join(fts5_phrase(t) + "*" for t in words)
        hits = _ranked(conn, table, params, likes, terms, prefix=True)
    if table != _WORDS and cjk_short:  # the trigram snippet marks only its own table's terms
        hits = [_remark(h, cjk_short + cjk_long) for h in hits]
    return hits


def _ranked(conn, table: str, params: dict, likes: list[str], terms: list[str],  # noqa: ANN001
            prefix: bool = False) -> list[SearchHit]:
    """Top hits by bm25 within the rank window; snippets only for those."""
    where = " AND ".join([f"{table} MATCH :match", *likes])
    source = f"{word_index.SCHEMA}.{table}" if table == _WORDS else table
    # Join the documents rows only when a LIKE needs them: reading 2,000 rows of
    # text costs more than ranking them.
    join = f" JOIN documents d ON d.id = {table}.rowid" if likes else ""
    top = conn.execute(sql(
        f"SELECT id, rank FROM (SELECT {table}.rowid AS id, bm25({table}, 4.0, 1.0) AS rank "
        f"FROM {source}{join} WHERE {where} "
        f"ORDER BY {table}.rowid DESC LIMIT {RANK_WINDOW}) ORDER BY rank LIMIT :limit"), params).all()
    if not top:
        return []
    ids = {f"i{n}": r.id for n, r in enumerate(top)}
    if table == _WORDS:  # contentless: the snippet is cut from the stored text
        rows = conn.execute(sql(
            f"SELECT d.id, d.sha256, d.title, d.text FROM documents d "
            f"WHERE d.id IN ({', '.join(':' + k for k in ids)})"), ids).all()
        by_id = {r.id: r for r in rows}
        return [SearchHit(t.id, by_id[t.id].sha256, by_id[t.id].title,
                          word_snippet(by_id[t.id].text or "", terms, prefix), -float(t.rank))
                for t in top if t.id in by_id]
    tokens = 48 if table == "documents_cjk" else 24
    rows = conn.execute(sql(
        f"SELECT d.id, d.sha256, d.title, snippet({table}, 1, '{MARK_START}', '{MARK_END}', '…', {tokens}) AS snip "
        f"FROM {table} JOIN documents d ON d.id = {table}.rowid WHERE {table} MATCH :match "
        f"AND {table}.rowid IN ({', '.join(':' + k for k in ids)})"), {"match": params["match"], **ids}).all()
    by_id = {r.id: r for r in rows}
    return [SearchHit(t.id, by_id[t.id].sha256, by_id[t.id].title, by_id[t.id].snip or "", -float(t.rank))
            for t in top if t.id in by_id]


def _postgres(conn, query: str, terms: list[str], limit: int) -> list[SearchHit]:  # noqa: ANN001
    params: dict = {"q": " ".join(terms), "limit": limit}
    rows = conn.execute(sql(
        "SELECT t.id, t.sha256, t.title, t.rank, ts_headline('english', t.text, t.q, "
        f"'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1, "
        "FragmentDelimiter=…') AS snip "
        "FROM (SELECT d.id, d.sha256, d.title, d.text, q, ts_rank(d.tsv, q) AS rank "
        "      FROM documents d, plainto_tsquery('english', :q) AS q "
        "      WHERE d.tsv @@ q ORDER BY rank DESC, d.id LIMIT :limit) AS t "
        "ORDER BY t.rank DESC, t.id"), params).all()
    hits = [SearchHit(r.id, r.sha256, r.title, r.snip or "", float(r.rank) + 1.0) for r in rows]
    if len(hits) < limit:
        # Words that the tsvector cannot see (Korean with particles, Chinese,
        # stop words, parts of words): substring matches, ranked below.
        likes = [c.format(op="ILIKE") for c in _like_clauses(terms, params, "s", "")]
        found = {h.id for h in hits}
        extra = _substring(conn, terms, limit, params, likes, exclude=found)
        hits.extend(extra[: limit - len(hits)])
    return hits


def _substring(conn, terms: list[str], limit: int, params: dict, likes: list[str],  # noqa: ANN001
               exclude: set[int] | None = None) -> list[SearchHit]:
    """Substring matches; scored by how often the terms occur (below any FTS hit)."""
    if not likes:
        return []
    where = " AND ".join(likes)
    params = dict(params, limit=limit + len(exclude or ()))
    rows = conn.execute(sql(f"SELECT d.id, d.sha256, d.title, d.text FROM documents d WHERE {where} "
                            "ORDER BY d.id DESC LIMIT :limit"), params).all()
    hits = []
    for r in rows:
        if exclude and r.id in exclude:
            continue
        folded = (r.text or "").casefold() + " " + (r.title or "").casefold()
        occurrences = sum(folded.count(t.casefold()) for t in terms)
        score = occurrences / (occurrences + 10.0)  # in (0, 1): below the FTS scores
        hits.append(SearchHit(r.id, r.sha256, r.title, make_snippet(r.text or "", terms), score))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def make_snippet(text: str, terms: list[str], width: int = 90) -> str:
    """A window of ``text`` around the first match, every match marked."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    return _window(text, pattern, width) or text[: width * 2].strip()


def _window(text: str, pattern: re.Pattern[str], width: int) -> str | None:
    """``width`` characters either side of the first match, every match marked (None: no match)."""
    first = pattern.search(text)
    if not first:
        return None
    start = max(0, first.start() - width)
    end = min(len(text), first.end() + width)
    window = pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, text[start:end])
    return ("…" if start else "") + " ".join(window.split()) + ("…" if end < len(text) else "")


def word_snippet(text: str, terms: list[str], prefix: bool = False, width: int = 90) -> str:
    """Like :func:`make_snippet`, but word terms match at word starts (whole words
    unless ``prefix``), as the word index matched them; Korean and Chinese terms
    match anywhere."""
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if is_cjk(term):
            parts.append(re.escape(term))
        else:
            parts.append(r"(?<!\w)" + re.escape(term) + (r"\w*" if prefix else r"(?!\w)"))
    return _window(text, re.compile("|".join(parts), re.IGNORECASE), width) or make_snippet(text, terms, width)


def _remark(hit: SearchHit, terms: list[str]) -> SearchHit:
    plain = hit.snippet.replace(MARK_START, "").replace(MARK_END, "")
    hit.snippet = make_snippet(plain, [*terms, *_marked(hit.snippet)], width=len(plain))
    return hit


def _marked(snippet: str) -> list[str]:
    return re.findall(re.escape(MARK_START) + "(.*?)" + re.escape(MARK_END), snippet)
