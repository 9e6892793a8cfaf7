from __future__ import annotations

import csv
import json

import pytest

from refwatch.publish.export import export_public, render_public
from refwatch.security import redact
from refwatch.security.redact import RedactionError, pseudonymise, redact_event

NAMES = ["Kim Cheol Ok", "Choi", "Kang", "Seok Shin", "Stephen Kim", "Lee Young-hee", "김철옥"]


class FakeGazetteer:
    provinces = {
        "cn-tumen": {"id": "cn-jilin", "name": "Jilin", "kind": "province", "country": "CN",
                     "lat": 43.7, "lon": 126.2},
        "cn-shenyang-dc": {"id": "cn-liaoning", "name": "Liaoning", "kind": "province",
                           "country": "CN", "lat": 41.3, "lon": 122.6},
    }

    def province_of(self, place_id):
        return self.provinces.get(place_id)


def place(name, pid, lat, lon, kind="city"):
    return {"name": name, "kind": kind, "country": "CN", "lat": lat, "lon": lon, "place_id": pid,
            "text": name}


def events():
    return [
        {"id": "ev-1", "type": "repatriation",
         "date": {"earliest": "2023-10-09", "latest": "2023-10-09", "precision": "day", "text": "9 October"},
         "places": [place("Dandong", "cn-dandong", 40.12, 124.38, "crossing")],
         "count": {"best": 600, "qualifier": "exact", "low": 600, "high": 600, "unit": "persons", "text": "600"},
         "victims": [{"name": "Kim Cheol Ok", "text": "Kim Cheol Ok", "hangul": "김철옥"}],
         "sources": ["Transitional Justice Working Group", "Stephen Kim"],
         "evidence": [{"start": 0, "end": 40, "text": "Kim Cheol Ok was sent back with 600 others"}]},
        {"id": "ev-2", "type": "arrest",
         "date": {"earliest": "2023-04-12", "latest": "2023-04-12", "precision": "day", "edtf": "2023-04-12"},
         "places": [place("Shenyang detention centre", "cn-shenyang-dc", 41.8, 123.4, "detention_centre")],
         "count": {"best": 2, "qualifier": "exact", "low": 2, "high": 2, "unit": "persons"},
         "victims": [{"name": "Choi"}, {"name": "Kang", "relation": "uncle of Choi"}],
         "sources": ["Human Rights Watch", "Seok Shin", "a relative of Kang", "Kang family group"],
         "evidence": [{"text": "Choi and her uncle Kang were caught"}],
         "perpetrators": ["Shenyang police"], "contacts": ["+86 138 0000 0000"]},
        {"id": "ev-3", "type": "disappearance",
         "date": {"earliest": "2019-04-28", "latest": "2019-04-28", "precision": "day"},
         "places": [place("Tumen", "cn-tumen", 42.97, 129.84), place("Unmapped village", "cn-x", 42.0, 129.0)],
         "count": None, "victims": ["Lee Young-hee"], "sources": ["Daily NK"],
         "evidence": [{"text": "Lee Young-hee's mother said"}], "notes": "family lives in Yanji"},
    ]


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_public_export_contains_none_of_the_names(tmp_path, fmt):
    out = tmp_path / f"public.{fmt}"
    summary = export_public(events(), fmt, out, gazetteer=FakeGazetteer())
    text = out.read_text(encoding="utf-8")
    assert summary["events"] == 3 and summary["bytes"] == len(text.encode())
    for name in NAMES + ["+86", "uncle", "mother", "caught", "Yanji", "Shenyang police"]:
        assert name.lower() not in text.lower(), name


def test_small_events_are_coarsened_to_the_province_and_month():
    ev = redact_event(events()[1], FakeGazetteer())
    assert ev["coarsened"] is True
    assert ev["places"] == [{"name": "Liaoning", "kind": "province", "country": "CN", "lat": 41.3,
                             "lon": 122.6, "place_id": "cn-liaoning", "precision": 4}]
    assert ev["date"] == {"earliest": "2023-04-01", "latest": "2023-04-30", "precision": "month"}
    assert ev["sources"] == ["Human Rights Watch"] and ev["sources_withheld"] == 3


def test_large_events_keep_their_exact_place_and_day():
    ev = redact_event(events()[0], FakeGazetteer())
    assert ev["coarsened"] is False
    assert ev["places"][0]["name"] == "Dandong" and ev["places"][0]["lat"] == 40.12
    assert ev["date"]["earliest"] == "2023-10-09"
    assert ev["count"] == {"best": 600, "qualifier": "exact", "low": 600, "high": 600, "unit": "persons"}
    assert ev["sources"] == ["Transitional Justice Working Group"]


def test_unknown_count_counts_as_small_and_unknown_province_falls_back_to_country():
    ev = redact_event(events()[2], FakeGazetteer())
    assert ev["coarsened"] is True
    assert [p["name"] for p in ev["places"]] == ["Jilin", "CN"]
    assert ev["places"][1]["lat"] is None


def test_threshold_comes_from_the_policy():
    pol = dict(redact.policy(), min_people_for_exact_place=1000)
    assert redact_event(events()[0], FakeGazetteer(), pol)["coarsened"] is True
    assert redact.policy()["min_people_for_exact_place"] == 5


def test_up_to_and_at_least_use_the_low_bound_when_there_is_one():
    ev = dict(events()[0], count={"best": 6, "qualifier": "up_to", "low": None, "high": 6})
    assert redact.people_concerned(ev) == 6
    ev = dict(events()[0], count={"best": None, "qualifier": "between", "low": 3, "high": 10})
    assert redact.is_small(ev)


def test_fields_not_in_the_policy_never_reach_the_public():
    ev = dict(events()[0], secret_new_field="Kim Cheol Ok lives at ...", hideout={"lat": 1})
    out = redact_event(ev)
    assert "secret_new_field" not in out and "hideout" not in out


def test_geojson_points_sit_at_the_coarsened_coordinates(tmp_path):
    doc = json.loads(render_public(events(), "geojson", FakeGazetteer()))
    coords = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in doc["features"]}
    assert coords["ev-1"] == [124.38, 40.12]
    assert coords["ev-2"] == [122.6, 41.3]  # Liaoning, not the detention centre
    assert len(doc["features"]) == 3  # the country-level fallback has no point


def test_csv_has_a_row_per_event_and_neutralises_formulas(tmp_path):
    evs = events()
    evs[0]["id"] = "=HYPERLINK(\"http://x\")"
    rows = list(csv.DictReader(render_public(evs, "csv", FakeGazetteer()).splitlines()))
    assert len(rows) == 3 and rows[0]["id"].startswith("'=")
    assert rows[1]["place_names"] == "Liaoning" and rows[1]["count_best"] == "2"


def test_a_name_hidden_in_an_allowed_field_stops_the_export(tmp_path):
    evs = events()
    evs[1]["places"][0]["kind"] = "province"  # kept as is ...
    evs[1]["places"][0]["name"] = "Choi's hideout"  # ... and it names a victim
    out = tmp_path / "public.json"
    with pytest.raises(RedactionError) as info:
        export_public(evs, "json", out, gazetteer=FakeGazetteer())
    assert "Choi" not in str(info.value)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        export_public(events(), "xml", tmp_path / "x.xml")


def test_pseudonymise_is_stable_keyed_and_drops_identifiers():
    key, other = b"k" * 32, b"o" * 32
    person = {"id": 17, "names": [{"name": "Kim Cheol Ok"}, {"name": "김철옥"}], "sex": "female",
              "birth_year": 1978, "contacts": [{"phone": "+82 10 1234 5678"}], "origin": "Hoeryong",
              "status": "repatriated", "event_ids": ["ev-1"]}
    out = pseudonymise(person, key)
    assert out == pseudonymise(dict(person, names=[{"name": "Kim Chol Ok"}]), key)
    assert out["pseudonym"] != pseudonymise(person, other)["pseudonym"]
    assert out["pseudonym"] != pseudonymise(dict(person, id=18), key)["pseudonym"]
    assert out["birth_decade"] == "1970s" and out["sex"] == "female"
    text = json.dumps(out, ensure_ascii=False)
    for value in ("Kim", "김철옥", "1978", "+82", "Hoeryong"):
        assert value not in text


def test_with_the_real_gazetteer_a_small_event_at_a_crossing_shows_only_the_province():
    from refwatch.model.gazetteer import load_gazetteer

    ev = dict(events()[1], places=[place("Tumen", "cn-tumen", 42.97, 129.84, "crossing"),
                                   {"name": "Dandong", "kind": "crossing", "country": "CN"},
                                   place("Nowhere", "cn-no-such-id", 1.0, 1.0)])
    out = redact_event(ev, load_gazetteer())
    assert [(p["name"], p["kind"]) for p in out["places"]] == [
        ("Jilin", "province"), ("Liaoning", "province"), ("CN", "country")]
    assert all(p["precision"] >= 4 for p in out["places"])


def test_organisations_from_the_shared_list_and_their_acronyms_are_kept():
    ev = dict(events()[0], sources=["HRW", "TJWG", "Stephen Kim"])
    assert redact_event(ev)["sources"] == ["HRW", "TJWG"]
