"""The pipeline as a whole: component order, contracts, properties, and the seed figures."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refwatch.extract.pipeline import COMPONENTS, build_pipeline, claim_to_json, extract, extract_many

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

_WORDS = st.sampled_from(["China", "deported", "arrested", "600", "in April", "two months ago", "Kim Chol-ok",
                          "Dandong", "said", "TJWG", "currently held", ".", ",", "\n", "\n\n", "over", "nearly",
                          "surnamed Choi", "“", "forced", "back", "2019", "9 October 2023", "were", "women"])
_TEXT = st.one_of(st.text(max_size=400), st.lists(_WORDS, max_size=80).map(" ".join))


def test_components_in_order():
    assert tuple(build_pipeline().pipe_names) == COMPONENTS


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, pub=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))))
def test_arbitrary_text_never_crashes_and_spans_and_dates_are_valid(text, pub):
    for claim in extract(text, pub):
        for span in claim.evidence:
            assert text[span.start:span.end] == span.text
        e, l_ = claim.date.earliest, claim.date.latest
        assert e is None or l_ is None or e <= l_
        json.dumps(claim_to_json(claim))


def test_extract_many_matches_extract():
    items = [("Nine escapees were arrested in Shenyang on May 2.", date(2022, 6, 1)), ("", None),
             ("Kim Chol-ok was deported in April.", date(2022, 6, 1))]
    assert [[claim_to_json(c) for c in cs] for cs in extract_many(items, batch_size=2)] == \
        [[claim_to_json(c) for c in extract(t, p)] for t, p in items]


def test_extract_many_streams_many_documents_in_order():
    # More documents than one batch holds: each result is the one extract() gives for the same input, in input
    # order, and the input is read a batch at a time, not all at once (a long stream never sits in memory whole).
    texts = ["Chinese police arrested {n} North Koreans in Dandong on March 3, Daily NK reported.",
             "The ministry declined to comment.",
             "About {n} escapees were sent back through Tumen last month.",
             ""]
    items = [(texts[i % 4].format(n=i + 2), date(2021, 1 + i % 12, 15)) for i in range(40)]
    pulled = []

    def stream():
        for i, item in enumerate(items):
            pulled.append(i)
            yield item

    results = extract_many(stream(), batch_size=64)
    first = next(results)
    assert len(pulled) < len(items)
    got = [first, *results]
    assert [[claim_to_json(c) for c in cs] for cs in got] == \
        [[claim_to_json(c) for c in extract(t, p)] for t, p in items]
    assert any(got[0]) and any(got[2]) and not got[1] and not got[3]


@pytest.mark.skipif(not (SHARED / "gold" / "seeds.jsonl").exists(), reason="../shared not present")
def test_seed_figures():
    from refwatch.extract.evaluate import load_gold, score

    gold = load_gold(SHARED / "gold" / "seeds.jsonl")
    preds = {}
    for g in gold:
        text = (SHARED / "seeds" / g["doc"]).read_text(encoding="utf-8")
        preds[g["doc"]] = {"events": [claim_to_json(c) for c in extract(text, date.fromisoformat(g["published"]))]}
    fig = score({g["doc"]: g for g in gold}, preds).values
    assert fig["event_f1"] >= 0.90 and fig["count_acc"] >= 0.90 and fig["place_recall"] >= 0.90, fig


@pytest.mark.skipif(not (SHARED / "tools" / "score_extraction.py").exists(), reason="../shared not present")
def test_own_scorer_agrees_with_shared_scorer(tmp_path):
    from refwatch.extract.evaluate import format_figures, load_gold, score

    gold_path = SHARED / "gold" / "seeds.jsonl"
    gold = load_gold(gold_path)
    pred_path = tmp_path / "pred.jsonl"
    preds = {}
    with open(pred_path, "w", encoding="utf-8") as f:
        for g in gold:
            text = (SHARED / "seeds" / g["doc"]).read_text(encoding="utf-8")
            evs = [claim_to_json(c) for c in extract(text, date.fromisoformat(g["published"]))]
            preds[g["doc"]] = {"events": evs}
            f.write(json.dumps({"document": {"path": g["doc"]}, "events": evs}) + "\n")
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "score_extraction.py"), str(gold_path),
                          str(pred_path)], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    assert out == format_figures(score({g["doc"]: g for g in gold}, preds).values)


def test_a_doc_made_outside_extract_gives_the_same_events():
    # components read the text through doc_text(), which fills doc._.text
    # for a Doc the caller made with the pipeline itself
    from refwatch.extract.pipeline import nlp
    from refwatch.extract.sentences import doc_text

    text = "Police in Dandong arrested at least 12 North Koreans on 3 May 2021, TJWG said."
    doc = nlp().make_doc(text)
    assert doc._.text is None and doc_text(doc) == text and doc._.text == text
    doc = nlp()(text)
    assert [claim_to_json(c) for c in doc._.events] == [claim_to_json(c) for c in extract(text)]


def test_lao_police_is_a_mention_of_laos_in_the_doc():
    from refwatch.extract.pipeline import nlp

    doc = nlp()("Lao police arrested seven North Koreans near the Mekong on 4 May 2022, a pastor said.")
    assert [(p.text, p.ref.name, p.ref.kind) for p in doc._.places][:1] == [("Lao", "Laos", "country")]
    assert [p.ref.name for p in nlp()("Chinese police arrested them.")._.places] == []


def test_dates_and_counts_in_the_pipeline_equal_the_plain_functions():
    from refwatch.extract.counts import find_counts, find_shares
    from refwatch.extract.dates import find_dates
    from refwatch.extract.pipeline import _make_doc, nlp

    text = ("İN Yanji, seven North Koreans were arrested last Tuesday and are still held, "
            "Daily NK said. Over 70 per cent of those sent back since June last year were women.")
    pub = date(2023, 12, 6)
    doc = nlp()(_make_doc(text, pub))
    assert len(doc._.lower) == len(text)
    assert doc._.dates == find_dates(text, pub)
    # both sentences tell an event ("arrested", "sent back"), so every figure of the text is read
    assert doc._.counts == find_counts(text)
    assert doc._.shares == find_shares(text)
    assert [d.text for d in doc._.dates] == ["last Tuesday", "are still held", "since June last year"]


def test_counts_are_read_only_where_events_can_take_them():
    from refwatch.extract.pipeline import _make_doc, nlp

    text = ("The crossing is 45 kilometres from the town and 300 people live there. "
            "Police arrested 12 North Koreans in Hunchun on 2 May. "
            "In total, 31 cases were recorded this year.")
    doc = nlp()(_make_doc(text, date(2024, 6, 1)))
    assert [c.text for c in doc._.counts] == ["12", "31"]  # not the distance or the town's people
