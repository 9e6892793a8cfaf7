"""The gazetteer: its data, name lookup, containment and the place matcher."""

from __future__ import annotations

import copy
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.model import vocab
from refwatch.model.gazetteer import Gazetteer, GazetteerError, load_gazetteer, place_ref


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


# --- the data ---------------------------------------------------------------------

def test_holds_enough_places_of_known_kinds(gaz: Gazetteer) -> None:
    assert len(gaz) >= 170
    kinds = set(vocab.place_kinds())
    assert {p.kind for p in gaz} <= kinds
    assert {"country", "province", "prefecture", "city", "county", "crossing",
            "detention_centre", "prison_camp", "region"} <= {p.kind for p in gaz}


# Rough boxes per country; a coordinate outside its country's box is a typo.
BOXES = {
    "CN": (18.0, 54.0, 73.0, 135.5), "KP": (37.6, 43.1, 124.0, 131.0),
    "KR": (33.0, 38.7, 124.5, 131.0), "RU": (41.0, 78.0, 19.0, 180.0),
    "LA": (13.9, 22.6, 100.0, 107.7), "TH": (5.6, 20.5, 97.3, 105.7),
    "VN": (8.4, 23.4, 102.1, 109.5), "MN": (41.5, 52.2, 87.7, 120.0),
    "KH": (10.0, 14.7, 102.3, 107.7), "MM": (9.5, 28.6, 92.1, 101.2),
}


def test_coordinates_fall_in_the_country(gaz: Gazetteer) -> None:
    for place in gaz:
        if place.kind == "region":
            continue
        lat0, lat1, lon0, lon1 = BOXES[place.country]
        assert lat0 <= place.lat <= lat1 and lon0 <= place.lon <= lon1, place.id


def test_places_lie_near_their_parent_city(gaz: Gazetteer) -> None:
    """A crossing, town or detention site is within ~2 degrees of the city it belongs to
    (prefecture-level cities are large: Changbai is 1.8 degrees east of Baishan)."""
    for place in gaz:
        if place.parent and gaz.get(place.parent).kind in ("city", "crossing", "county"):
            parent = gaz.get(place.parent)
            assert abs(place.lat - parent.lat) < 2 and abs(place.lon - parent.lon) < 2, place.id


def test_every_crossing_has_a_pair_across_the_border(gaz: Gazetteer) -> None:
    crossings = [p for p in gaz if p.kind == "crossing"]
    assert len(crossings) >= 25
    for place in crossings:
        assert place.pair, place.id
        other = gaz.get(place.pair)
        assert other.country != place.country, place.id
        # the two sides face each other across a river or a line
        assert abs(other.lat - place.lat) < 0.6 and abs(other.lon - place.lon) < 0.6, place.id


@pytest.mark.parametrize("china, korea", [
    ("cn-dandong", "kp-sinuiju"), ("cn-kuandian", "kp-sakju"), ("cn-jian", "kp-manpo"),
    ("cn-linjiang", "kp-junggang"), ("cn-changbai", "kp-hyesan"), ("cn-helong", "kp-musan"),
    ("cn-nanping", "kp-musan"), ("cn-sanhe", "kp-hoeryong"), ("cn-kaishantun", "kp-onsong"),
    ("cn-tumen", "kp-namyang"), ("cn-quanhe", "kp-wonjong"), ("cn-hunchun", "kp-kyongwon"),
])
def test_prc_dprk_crossings_face_each_other(gaz: Gazetteer, china: str, korea: str) -> None:
    assert gaz.get(china).pair == korea
    assert gaz.get(korea).kind == "crossing"
    assert gaz.get(gaz.get(korea).pair).country == "CN"


def test_required_places_are_present(gaz: Gazetteer) -> None:
    required = ["Liaoning", "Jilin", "Heilongjiang", "Hebei", "Yunnan", "Guangxi", "Shandong",
                "Inner Mongolia", "Beijing", "Shanghai", "Yanbian", "Shenyang", "Yanji", "Kunming",
                "Qinhuangdao", "Qingdao", "Dalian", "Harbin", "Mudanjiang", "Changchun",
                "Jilin City", "Tonghua", "Baishan", "Nanning", "Jinghong", "Mengla",
                "Xishuangbanna", "Longjing", "North Hamgyong", "Ryanggang", "Chagang",
                "North Pyongan", "South Hamgyong", "Pyongyang", "Chongjin", "Hamhung",
                "Kimchaek", "Rason", "Laos", "Vientiane", "Thailand", "Bangkok", "Chiang Rai",
                "Vietnam", "Hanoi", "Mongolia", "Ulaanbaatar", "Cambodia", "Myanmar", "China",
                "North Korea", "South Korea", "Russia", "Tumen River", "Yalu River",
                "Camp 14", "Yodok", "Camp 16", "Camp 25", "Kyohwaso No. 12", "Kyohwaso No. 1",
                "Tumen border detention facility", "Dandong detention centre",
                "Shenyang detention facility", "Sinuiju holding centre", "Hyesan holding centre",
                "Onsong holding centre"]
    missing = [name for name in required if gaz.lookup(name) is None]
    assert missing == []
    assert gaz.lookup("Camp 14").kind == "prison_camp"
    assert gaz.lookup("Tumen border detention facility").kind == "detention_centre"
    assert gaz.lookup("Yalu River").kind == "region"


# --- lookup -----------------------------------------------------------------------

@pytest.mark.parametrize("written, place_id", [
    ("Sinuiju", "kp-sinuiju"), ("Sinŭiju", "kp-sinuiju"), ("Shinuiju", "kp-sinuiju"),
    ("신의주", "kp-sinuiju"), ("新义州", "kp-sinuiju"), ("新義州", "kp-sinuiju"),
    ("Sin-uiju", "kp-sinuiju"), ("SINUIJU", "kp-sinuiju"),
    ("Gyeongwon", "kp-kyongwon"), ("Kyongwon", "kp-kyongwon"), ("Kyŏngwŏn", "kp-kyongwon"),
    ("Saebyol", "kp-kyongwon"), ("Onseong", "kp-onsong"), ("Onsong", "kp-onsong"),
    ("Onsŏng", "kp-onsong"), ("온성", "kp-onsong"), ("Hoeryeong", "kp-hoeryong"),
    ("Ji'an", "cn-jian"), ("Ji’an", "cn-jian"), ("Jian", "cn-jian"),
    ("丹东", "cn-dandong"), ("단둥", "cn-dandong"), ("Kimch'aek", "kp-kimchaek"),
    ("Rajin-Sonbong", "kp-rason"), ("Rajin Sonbong", "kp-rason"),
    ("Shenyang City", "cn-shenyang"), ("shenyang city", "cn-shenyang"),
    ("Liaoning Province", "cn-liaoning"), ("辽宁省", "cn-liaoning"), ("吉林市", "cn-jilin-city"),
    ("Jilin", "cn-jilin"), ("Jilin City", "cn-jilin-city"), ("Jilin Province", "cn-jilin"),
    ("Musan-gun", "kp-musan"), ("Hamgyongbuk-do", "kp-north-hamgyong"),
    ("the Yalu", "rg-yalu-river"), ("Tumen River", "rg-tumen-river"), ("Tumen", "cn-tumen"),
    ("DPRK", "kp"), ("14호 관리소", "kp-kwalliso-14"),
])
def test_lookup_resolves_variants(gaz: Gazetteer, written: str, place_id: str) -> None:
    place = gaz.lookup(written)
    assert place is not None and place.id == place_id


@pytest.mark.parametrize("written", ["Liaoning City", "Jilin County", "Atlantis", "", "  ", "Korea"])
def test_lookup_refuses_what_it_does_not_know(gaz: Gazetteer, written: str) -> None:
    assert gaz.lookup(written) is None


def test_get_unknown_id_raises(gaz: Gazetteer) -> None:
    with pytest.raises(KeyError):
        gaz.get("xx-nowhere")


# --- containment --------------------------------------------------------------------

def test_crossing_lies_within_prefecture_province_country(gaz: Gazetteer) -> None:
    assert [p.id for p in gaz.ancestors("cn-tumen")] == ["cn-yanbian", "cn-jilin", "cn"]
    for outer in ("cn-yanbian", "cn-jilin", "cn"):
        assert gaz.within("cn-tumen", outer)
    assert gaz.within("cn-nanping", "cn-helong")
    assert gaz.within("kp-namyang", "kp-onsong")
    assert gaz.within("kp-namyang", "kp-north-hamgyong")
    assert gaz.within("cn-tumen-detention", "cn-jilin")


def test_within_is_strict_and_directed(gaz: Gazetteer) -> None:
    assert not gaz.within("cn-jilin", "cn-tumen")
    assert not gaz.within("cn-tumen", "cn-tumen")
    assert not gaz.within("cn-tumen", "kp")
    assert not gaz.within("cn-tumen", "cn-liaoning")
    assert not gaz.within("cn-jilin-city", "cn-yanbian")


def test_province_of(gaz: Gazetteer) -> None:
    assert gaz.province_of("cn-quanhe").id == "cn-jilin"
    assert gaz.province_of("cn-kuandian").id == "cn-liaoning"
    assert gaz.province_of("kp-namyang").id == "kp-north-hamgyong"
    assert gaz.province_of("kp-kyohwaso-12").id == "kp-north-hamgyong"
    assert gaz.province_of("cn-jilin").id == "cn-jilin"
    assert gaz.province_of("cn-beijing").id == "cn-beijing"  # province-level municipality
    assert gaz.province_of("cn") is None


def test_every_non_country_place_ends_in_a_country_of_its_code(gaz: Gazetteer) -> None:
    for place in gaz:
        if place.kind in ("country", "region"):
            continue
        top = gaz.ancestors(place.id)[-1]
        assert top.kind == "country" and top.country == place.country, place.id


# --- matching ------------------------------------------------------------------------

def spans(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    found = gaz.match(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.text, m.place.id) for m in found]


def test_match_both_provinces_in_a_list(gaz: Gazetteer) -> None:
    assert spans(gaz, "held in Jilin and Liaoning provinces") == [
        ("Jilin", "cn-jilin"), ("Liaoning provinces", "cn-liaoning")]


def test_match_takes_the_suffix_into_one_mention(gaz: Gazetteer) -> None:
    assert spans(gaz, "police in Liaoning Province and Shenyang City said") == [
        ("Liaoning Province", "cn-liaoning"), ("Shenyang City", "cn-shenyang")]
    assert spans(gaz, "in North Hamgyong Province, in Musan-gun") == [
        ("North Hamgyong Province", "kp-north-hamgyong"), ("Musan-gun", "kp-musan")]


def test_match_longest_name_wins(gaz: Gazetteer) -> None:
    assert spans(gaz, "They crossed the Tumen River near Tumen.") == [
        ("Tumen River", "rg-tumen-river"), ("Tumen", "cn-tumen")]
    assert spans(gaz, "from Jilin City, Jilin") == [
        ("Jilin City", "cn-jilin-city"), ("Jilin", "cn-jilin")]
    assert spans(gaz, "held at the Tumen border detention facility") == [
        ("Tumen border detention facility", "cn-tumen-detention")]
    assert spans(gaz, "sent to Kwalliso No. 15 and Camp 14") == [
        ("Kwalliso No. 15", "kp-kwalliso-15"), ("Camp 14", "kp-kwalliso-14")]


def test_match_the_five_crossings_of_october_2023(gaz: Gazetteer) -> None:
    text = ("Dandong–Sinuiju, Changbai-Hyesan, Helong→Musan, Tumen to Onsong "
            "and Hunchun/Kyongwon")
    assert [pid for _, pid in spans(gaz, text)] == [
        "cn-dandong", "kp-sinuiju", "cn-changbai", "kp-hyesan", "cn-helong", "kp-musan",
        "cn-tumen", "kp-onsong", "cn-hunchun", "kp-kyongwon"]


def test_match_respects_words_and_capitals(gaz: Gazetteer) -> None:
    assert spans(gaz, "North Koreans and Chinese officials") == []
    assert spans(gaz, "a tumen of soldiers; musan") == []
    assert spans(gaz, "China's border") == [("China", "cn")]
    assert spans(gaz, "McChina Dandongs") == []
    assert spans(gaz, "Sinŭiju and Sin-uiju and Ji’an") == [
        ("Sinŭiju", "kp-sinuiju"), ("Sin-uiju", "kp-sinuiju"), ("Ji’an", "cn-jian")]
    # a name split by a sentence end is two words, not one name
    assert spans(gaz, "near Jilin. City police") == [("Jilin", "cn-jilin")]


def test_match_hangul_and_han(gaz: Gazetteer) -> None:
    assert spans(gaz, "그는 혜산에서 신의주시로") == [("혜산", "kp-hyesan"), ("신의주시", "kp-sinuiju")]
    assert spans(gaz, "남양주에 산다") == [("남양주", "kr-namyangju")]
    assert spans(gaz, "在辽宁省丹东市被抓") == [("辽宁省", "cn-liaoning"), ("丹东市", "cn-dandong")]
    assert spans(gaz, "长白山和长白县") == [("长白山", "rg-paektu"), ("长白县", "cn-changbai")]
    assert spans(gaz, "Hyesan (혜산) faces Changbai (长白)") == [
        ("Hyesan", "kp-hyesan"), ("혜산", "kp-hyesan"), ("Changbai", "cn-changbai"),
        ("长白", "cn-changbai")]


FILLER = st.sampled_from([" ", ", ", " and ", " the ", "; ", "—", "\n", " in ", "(", ") ",
                          " city ", " Province ", "-", "'s ", "에서 ", "市", " North "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted({n for p in load_gazetteer() for n in p.names})),
                          FILLER), max_size=8))
def test_match_offsets_are_exact_and_ordered(parts: list[tuple[str, str]]) -> None:
    gaz = load_gazetteer()
    text = "".join(name + filler for name, filler in parts)
    found = gaz.match(text)
    last_end = 0
    for m in found:
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end and m.end > m.start
        last_end = m.end


def test_match_is_fast_enough(gaz: Gazetteer) -> None:
    """Loose guard only (shared machines); the design target is well under 0.5 ms."""
    text = ("In October, Chinese police moved detainees from Shenyang and Tumen to the "
            "border at Dandong and Hunchun, where North Korean officials waited. " * 30)[:4096]
    gaz.match(text)
    start = time.process_time()
    for _ in range(50):
        gaz.match(text)
    assert (time.process_time() - start) / 50 < 0.005


# --- place references ------------------------------------------------------------------

def test_place_ref_carries_precision(gaz: Gazetteer) -> None:
    ref = place_ref(gaz.get("cn-dandong"), "Dandong")
    assert (ref.name, ref.kind, ref.country, ref.text, ref.place_id) == (
        "Dandong", "crossing", "CN", "Dandong", "cn-dandong")
    assert ref.precision == 1 and abs(ref.lat - 40.12) < 0.1
    assert place_ref(gaz.get("cn-liaoning"), "Liaoning Province").precision == 4
    assert place_ref(gaz.get("kp"), "DPRK").precision == 6
    # a detention centre placed only at its city's centre says so
    assert place_ref(gaz.get("cn-tumen-detention"), "Tumen detention centre").precision == 2


# --- validation ---------------------------------------------------------------------------

def small() -> list[dict]:
    return [
        {"id": "cn", "name": "China", "kind": "country", "country": "CN", "lat": 35.0, "lon": 104.0,
         "parent": None, "names": ["China"]},
        {"id": "kp", "name": "North Korea", "kind": "country", "country": "KP", "lat": 40.0,
         "lon": 127.0, "parent": None, "names": ["North Korea"]},
        {"id": "cn-jilin", "name": "Jilin", "kind": "province", "country": "CN", "lat": 43.6,
         "lon": 126.2, "parent": "cn", "names": ["Jilin", "吉林"]},
        {"id": "cn-tumen", "name": "Tumen", "kind": "crossing", "country": "CN", "lat": 42.97,
         "lon": 129.84, "parent": "cn-jilin", "pair": "kp-namyang", "names": ["Tumen"]},
        {"id": "kp-namyang", "name": "Namyang", "kind": "crossing", "country": "KP", "lat": 42.95,
         "lon": 129.86, "parent": "kp", "pair": "cn-tumen", "names": ["Namyang"]},
    ]


def test_small_gazetteer_builds_and_matches() -> None:
    gaz = Gazetteer(small(), suffixes=[{"words": "Province", "kinds": ["province"]}])
    assert len(gaz) == 5
    assert [m.place.id for m in gaz.match("Jilin Province, Tumen to Namyang")] == [
        "cn-jilin", "cn-tumen", "kp-namyang"]
    assert gaz.within("cn-tumen", "cn")


def broken(index: int, **change: object) -> list[dict]:
    entries = copy.deepcopy(small())
    entries[index].update(change)
    return entries


@pytest.mark.parametrize("entries, needle", [
    (broken(3, parent="cn-nowhere"), "#3 ('cn-tumen'): parent"),
    (broken(2, kind="planet"), "#2 ('cn-jilin'): unknown kind"),
    (broken(2, lat=95.0), "#2 ('cn-jilin'): 'lat'"),
    (broken(2, lon="east"), "#2 ('cn-jilin'): 'lon'"),
    (broken(4, id="cn-jilin"), "#4 ('cn-jilin'): duplicate id"),
    (broken(3, pair=None), "#3 ('cn-tumen'): a crossing needs"),
    (broken(3, pair="cn-jilin"), "#3 ('cn-tumen'): pair 'cn-jilin' is in the same country"),
    (broken(3, pair="kp-nowhere"), "#3 ('cn-tumen'): pair 'kp-nowhere' does not exist"),
    (broken(1, country="North Korea"), "#1 ('kp'): 'country'"),
    (broken(4, names=["Namyang", "Jilin"]), "('kp-namyang'): a name is also a name of 'cn-jilin'"),
    (broken(2, parent="cn-tumen"), "parent chain loops"),
    (broken(2, id="Jilin Province"), "#2 ('Jilin Province'): 'id' must be a lower-case slug"),
])
def test_validation_names_the_bad_entry(entries: list[dict], needle: str) -> None:
    with pytest.raises(GazetteerError) as err:
        Gazetteer(entries)
    assert needle in str(err.value)


# --- adjectival forms (round 2) ----------------------------------------------------

def test_lao_and_thai_before_a_governing_noun_name_the_country(gaz: Gazetteer) -> None:
    text = "Lao police handed the group to the Thai authorities; later Lao officials denied it."
    found = [(m.text, m.place.name) for m in gaz.match_adjectives(text)]
    assert found == [("Lao", "Laos"), ("Thai", "Thailand"), ("Lao", "Laos")]


@pytest.mark.parametrize("text", [
    "Chinese police arrested them in Kunming.",  # too generic: never a place
    "Mr Lao said the family had left.",  # a surname
    "They ate Thai food on the way.",  # no governing noun
    "lao police",  # the adjective is written with a capital
])
def test_adjectival_forms_stay_conservative(gaz: Gazetteer, text: str) -> None:
    assert gaz.match_adjectives(text) == []


def test_adjectives_must_be_single_words() -> None:
    entry = {"id": "xx", "name": "Xland", "kind": "country", "country": "XX", "lat": 0, "lon": 0,
             "adjectives": ["X land"]}
    with pytest.raises(GazetteerError, match="adjectives"):
        Gazetteer([entry])
