"""Person linkage at scale: splink over DuckDB, with the rules engine for small sets.

``link(mentions, events)`` is what ``refwatch process`` calls. It picks the
engine by size: up to ``SPLINK_ABOVE`` full-name mentions the rules of
``people.link_people`` (exact, explainable, fast at that size); above it a
splink model running in an in-memory DuckDB database
(``link_people_at_scale``). Both return the same ``PersonRecord`` list, built by
people.py's own record and timeline code.

How the splink engine works:

1. Surname-only mentions ("a girl surnamed Choi") never enter splink: a
   surname cannot identify anyone across documents. They are attached
   afterwards exactly as people.py does it (only inside a shared document or
   event).
2. Every full-name mention becomes a row with its ``name_key`` (names.py),
   canonical surname, romanised folded full name (``"kim colok"``, the same for
   김철옥 and Kim Ch'ŏl-ok), birth year, sex and origin.
3. Candidate pairs come from two blocking rules: same ``name_key``; same
   surname and birth year (catches spellings the fold does not collapse).
4. Each pair is scored by a Fellegi–Sunter model (``settings``): name (key
   equal / Jaro-Winkler ≥ 0.95 / ≥ 0.88 / else), birth year (equal / ±1 /
   else), sex, origin.
5. Pairs at or above ``threshold`` become edges. They are turned into people
   by a guarded clustering, not by plain connected components, because a
   chain of pairwise links can join two different people (Kim Young-hee born
   1960 — Kim Young-hee, age unknown — Kim Young-hee born 1985). Mentions that
   know a birth year or an origin are merged along edges, best edge first,
   only while the groups stay consistent (people.py's ``_Group.fits``: birth
   years within 2, same sex, same origin). A mention that knows neither (a sex
   alone rarely tells same-named people apart) joins a person only when its
   edges reach exactly one consistent person, or exactly one that shares its
   document or event; otherwise it stays on its own record, as in people.py.

Where the m/u parameters come from: below ``ESTIMATE_ABOVE`` full-name
mentions they are the ones declared in ``FIXED`` with λ from ``fixed_prior``,
because a few hundred mentions hold too few true pairs for EM and too few
random pairs for u by sampling (the gold set has 31 mentions). From
``ESTIMATE_ABOVE`` up they are estimated from the data (``_train``: u by random
sampling, λ from a deterministic rule, m of birth year / sex / origin by EM on
name-key blocks). If estimation raises, or gives a model that fails
``_trained_model_is_sane``, the declared parameters are used instead.

Why splink above ``SPLINK_ABOVE`` (20,000) mentions and the rules below: at that
size the rules engine is faster (9.5 s vs 17 s for 100,000 mentions here) but
its precision collapses as same-named people pile up, while the splink model
learns how distinctive a name is in this collection, stays well inside the
120 s target and moves to Spark when a team outgrows one machine. Below it the
rules are exact, explainable and need no estimation.

Why a threshold of 0.9 links little on very name-dense data: the model is
calibrated to the collection. When thousands of people share a few thousand
names (bench/resolve.py's synthetic set: 8 surnames x 240 given names for
~50,000 people), "same name, same birth year, same sex" is the same person
only about 75 % of the time, and splink says so; the rules engine merges such
mentions anyway (pairwise precision 0.11 there). Lower the threshold to trade
precision for recall.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from refwatch.resolve.names import split_name
# people.py's record building is reused, not duplicated: its group (the
# consistency rules), the surname-only attachment and the record/timeline code.
from refwatch.resolve.people import (
    PersonMention,
    PersonRecord,
    _attach_surnames,
    _Group,
    _norm,
    _record,
    link_people,
)

log = logging.getLogger(__name__)

# names repeat a lot (and ``link`` counts before linking): split each spelling once
_split = lru_cache(maxsize=1 << 17)(split_name)

SPLINK_ABOVE = 20_000
"""Full-name mentions above which ``link`` uses splink (see the bench figures in the report)."""

ESTIMATE_ABOVE = 5_000
"""Full-name mentions from which m/u/λ are estimated from the data instead of fixed."""

NAME_JW_CLOSE = 0.95
NAME_JW_NEAR = 0.88


@dataclass(frozen=True)
class _Level:
    m: float
    u: float


# Fixed parameters, used as declared for small data sets and as the starting
# point (and fallback) for estimation on large ones. Reasoning per level:
# * name key equal: nearly every true pair shares the key (the fold was built for
#   that), a random pair almost never (≈ 1 in 2,000 with a realistic spread of
#   surnames and given names);
# * Jaro-Winkler ≥ 0.95 on "surname given": a typo or an unfolded spelling;
#   0.88–0.95 is weak, because two given names under one surname ("kim colok" /
#   "kim colsu" = 0.91) are often that close;
# * birth year: derived from an age in a dated report, so ±1 is frequent in true
#   pairs; a larger gap is strong evidence of two people;
# * sex and origin: rarely wrong in true pairs, so a disagreement weighs heavily.
FIXED: dict[str, list[_Level]] = {
    "name": [_Level(0.88, 0.0005), _Level(0.06, 0.002), _Level(0.03, 0.02), _Level(0.03, 0.9775)],
    "birth_year": [_Level(0.70, 0.02), _Level(0.25, 0.04), _Level(0.05, 0.94)],
    "sex": [_Level(0.995, 0.5), _Level(0.005, 0.5)],
    "origin": [_Level(0.95, 0.05), _Level(0.05, 0.95)],
}


def fixed_prior(n: int) -> float:
    """λ, the probability that two random full-name mentions are one person.

    With n mentions and about three mentions per person there are ≈ n matching
    pairs out of n(n-1)/2, so λ ≈ 2/(n-1); capped at 0.1 for tiny sets.
    """
    return min(0.1, 2.0 / max(n - 1, 1))


def settings(n: int) -> Any:
    """The splink model, declared in code (see ``FIXED`` for the parameters)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def levels(name: str, creators: list[Any]) -> list[Any]:
        return [creators[0]] + [c.configure(m_probability=p.m, u_probability=p.u)
                                for c, p in zip(creators[1:], FIXED[name])]

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="name key, then Jaro-Winkler on the romanised full name",
        comparison_levels=levels("name", [
            cll.NullLevel("full_name"),
            cll.ExactMatchLevel("name_key"),
            cll.JaroWinklerLevel("full_name", NAME_JW_CLOSE),
            cll.JaroWinklerLevel("full_name", NAME_JW_NEAR),
            cll.ElseLevel()]))
    birth = cl.CustomComparison(
        output_column_name="birth_year",
        comparison_description="birth year equal, within one year, else",
        comparison_levels=levels("birth_year", [
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.ElseLevel()]))

    def exact(column: str) -> Any:
        return cl.CustomComparison(
            output_column_name=column, comparison_description=f"{column} equal",
            comparison_levels=levels(column, [cll.NullLevel(column), cll.ExactMatchLevel(column),
                                              cll.ElseLevel()]))

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=fixed_prior(n),
        blocking_rules_to_generate_predictions=[block_on("name_key"), block_on("surname", "birth_year")],
        comparisons=[name, birth, exact("sex"), exact("origin")],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _table(mentions: Sequence[PersonMention],
           parts: Sequence[tuple[str, str]] | None = None) -> dict[str, list[Any]]:
    """Columns for splink; ``parts`` are the mentions' ``split_name`` results when already known."""
    cols: dict[str, list[Any]] = {k: [] for k in
                                  ("unique_id", "name_key", "surname", "full_name", "birth_year", "sex", "origin")}
    for i, m in enumerate(mentions):
        surname, given = parts[i] if parts is not None else split_name(m.name)
        cols["unique_id"].append(i)
        cols["name_key"].append(f"{surname}|{given}")
        cols["surname"].append(surname)
        cols["full_name"].append(f"{surname} {given}")
        cols["birth_year"].append(m.birth_year)
        cols["sex"].append(_norm(m.sex))
        cols["origin"].append(_norm(m.origin))
    return cols


def _train(linker: Any, n: int) -> None:
    """Estimate λ, u and some m from the data (large sets only).

    * u by random sampling: among thousands of mentions random pairs are almost
      all different people, which is what u describes;
    * λ from a deterministic rule (same key, birth year and sex) assumed to find
      60 % of the true pairs (about a third of mentions lack a birth year);
    * m of birth year, sex and origin by EM on pairs blocked on the name key.
    The m of the name levels stay as declared: EM on pairs blocked on surname +
    birth year does not find "same person" but "same surname, similar given
    name" (common Korean names share syllables), and then rewards near names
    more than equal keys. Levels with no data (origin is often empty) keep
    their declared values too.
    """
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        ["l.name_key = r.name_key and l.birth_year = r.birth_year and l.sex = r.sex"], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, n * 20.0), seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_key"), estimate_without_term_frequencies=True)


def _trained_model_is_sane(linker: Any) -> bool:
    """EM can drift on odd data; insist that equal keys count for and wrong sexes against."""
    by_name = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    name_levels = [lv for lv in by_name["name"].comparison_levels if not lv.is_null_level]
    sex_levels = [lv for lv in by_name["sex"].comparison_levels if not lv.is_null_level]
    birth_levels = [lv for lv in by_name["birth_year"].comparison_levels if not lv.is_null_level]
    return (name_levels[0]._bayes_factor > 10 and sex_levels[-1]._bayes_factor < 1
            and birth_levels[-1]._bayes_factor < 1)


def pair_edges(mentions: Sequence[PersonMention], *, threshold: float = 0.9,
               estimate: bool | None = None,
               parts: Sequence[tuple[str, str]] | None = None) -> list[tuple[int, int, float]]:
    """Scored pairs ``(index_l, index_r, match_probability)`` at or above ``threshold``.

    Indexes point into ``mentions`` (all must be full names). ``estimate``
    forces (True) or forbids (False) estimation; by default it is used from
    ``ESTIMATE_ABOVE`` mentions up.
    """
    if len(mentions) < 2:
        return []
    import duckdb
    from splink import DuckDBAPI, Linker

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    n = len(mentions)
    estimate = n >= ESTIMATE_ABOVE if estimate is None else estimate
    # in memory, and never fetching a DuckDB extension from the network
    db_api = DuckDBAPI(duckdb.connect(":memory:", config={"autoinstall_known_extensions": False}))
    try:
        table = db_api.register(_table(mentions, parts), table_name="mentions")
        linker = Linker(table, settings(n), log_level=None)
        if estimate:
            try:
                _train(linker, n)
                if not _trained_model_is_sane(linker):
                    raise ValueError("estimated model failed the sanity check")
            except Exception as exc:  # estimation is an optimisation; the fixed model still works
                log.warning("splink estimation failed (%s); using the fixed parameters", type(exc).__name__)
                linker = Linker(db_api.register(table.physical_name, table_name="mentions_fixed"),
                                settings(n), log_level=None)
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        rows = predictions.as_duckdbpyrelation().select(
            "unique_id_l, unique_id_r, match_probability").fetchall()
    finally:
        db_api.duckdb_con.close()
    return [(int(a), int(b), float(p)) for a, b, p in rows]


def _anchored(m: PersonMention) -> bool:
    """A birth year or an origin tells two same-named people apart; a sex alone rarely does."""
    return bool(m.birth_year or m.origin)


def _cluster(mentions: Sequence[PersonMention], edges: Iterable[tuple[int, int, float]]) -> list[_Group]:
    """Guarded clustering of splink edges (see the module docstring, step 5)."""
    anchored = [_anchored(m) for m in mentions]
    group_of: dict[int, _Group] = {i: _Group(m) for i, m in enumerate(mentions) if anchored[i]}
    index_of = {id(m): i for i, m in enumerate(mentions)}
    links: dict[int, list[int]] = defaultdict(list)
    for a, b, _ in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        if anchored[a] and anchored[b]:
            ga, gb = group_of[a], group_of[b]
            if ga is gb or not (ga.fits_group(gb) and gb.fits_group(ga)):
                continue
            if len(ga.members) < len(gb.members):
                ga, gb = gb, ga
            ga.absorb(gb)
            for m in gb.members:
                group_of[index_of[id(m)]] = ga
        else:
            links[a].append(b)
            links[b].append(a)
    groups = list({id(g): g for g in group_of.values()}.values())

    def place(i: int, final: bool) -> bool:
        """Join the one person this mention's edges reach (or the one sharing its
        document or event); alone when it reaches several or, on the final pass, none."""
        m = mentions[i]
        reached = list({id(group_of[j]): group_of[j] for j in links.get(i, [])
                        if j in group_of and group_of[j].fits(m)}.values())
        if len(reached) > 1:
            reached = [g for g in reached if g.contexts & ({m.document, m.event_id} - {None})]
        if len(reached) == 1:
            reached[0].add(m)
            group_of[i] = reached[0]
            return True
        if not reached and not final and any(j not in group_of for j in links.get(i, [])):
            return False  # linked only to mentions not placed yet: try again later
        group_of[i] = _Group(m)
        groups.append(group_of[i])
        return True

    # mentions without a birth year or origin, in input order; then those that
    # were linked only to each other
    deferred = [i for i in range(len(mentions)) if not anchored[i] and not place(i, final=False)]
    for i in deferred:
        place(i, final=True)
    return groups


def link_people_at_scale(mentions: Sequence[PersonMention], *, threshold: float = 0.9,
                         events: Mapping[str, Any] | Sequence[Any] | None = None,
                         estimate: bool | None = None) -> list[PersonRecord]:
    """Person records for ``mentions`` linked by splink (DuckDB); same output as ``link_people``."""
    if events is not None and not isinstance(events, Mapping):
        events = {e.id: e for e in events}
    split = [(m, _split(m.name)) for m in mentions if m.name]
    mentions = [m for m, (surname, _) in split if surname]
    full = [(m, parts) for m, parts in split if parts[0] and parts[1]]
    surname_only = [m for m, (surname, given) in split if surname and not given]
    edges = pair_edges([m for m, _ in full], threshold=threshold, estimate=estimate, parts=[p for _, p in full])
    groups = _cluster([m for m, _ in full], edges)
    groups.extend(_attach_surnames(surname_only, groups))
    order = {m.id: i for i, m in enumerate(mentions)}
    for g in groups:  # the record id comes from the first mention in input order
        g.members.sort(key=lambda m: order[m.id])
    groups.sort(key=lambda g: order[g.members[0].id])
    return [_record(g, events) for g in groups]


def splink_available() -> bool:
    try:
        import duckdb  # noqa: F401
        import splink  # noqa: F401
    except ImportError:
        return False
    return True


def choose_engine(mentions: Sequence[PersonMention]) -> str:
    """``"splink"`` above ``SPLINK_ABOVE`` full-name mentions (when installed), else ``"rules"``."""
    if len(mentions) <= SPLINK_ABOVE:
        return "rules"
    full = sum(1 for m in mentions if m.name and _split(m.name)[1])
    return "splink" if full > SPLINK_ABOVE and splink_available() else "rules"


def link(mentions: Iterable[PersonMention], events: Mapping[str, Any] | Sequence[Any] | None = None,
         *, engine: str = "auto") -> list[PersonRecord]:
    """Link person mentions with the engine that suits their number (``engine``: auto, rules, splink)."""
    mentions = list(mentions)
    chosen = choose_engine(mentions) if engine == "auto" else engine
    if chosen == "splink":
        return link_people_at_scale(mentions, events=events)
    if chosen == "rules":
        return link_people(mentions, events)
    raise ValueError(f"unknown linkage engine: {engine}")
