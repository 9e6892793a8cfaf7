"""Generalisation round 3: phrasing classes behind the misses of the third held-out set.

Each test names one class of wording and checks it on invented sentences
(names, places and figures are made up): the other romanisation of a name
given in any wording; a dateline date that is not the date of the event; an
active "returned" with people as its object; a move told "from X to Y";
police taking people away from a place; losing track of people and having
no word of them; arrivals in the South; a term in a labour camp; a broker or
driver arrested alongside the people he guided, as an arrest of his own.
"""

from datetime import date

from refwatch.extract.pipeline import extract
from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers
from refwatch.extract.victims import find_victims

PUB = date(2025, 3, 14)


def _types(text: str) -> list[tuple[str, bool]]:
    return [(t.type, t.blocked) for t in find_triggers(text, split_sentences(text))]


def _claims(text: str, pub: date | None = PUB):
    return extract(text, pub)


def _names(text: str) -> set[str]:
    return {v.name for v in find_victims(text, split_sentences(text))}


# --- the other spelling of a name -------------------------------------------------------------------

def test_a_second_romanisation_refers_to_the_first_name():
    for text in ("Paek Un-hui, 52, whose name is written Baek Eun-hee in Seoul, was detained in Tonghua.",
                 "Choe Song-ho, 40, also spelled Choi Sung-ho, was detained in Tonghua.",
                 "Ri Myong-suk was detained in Tonghua. Her relatives spell it Lee Myung-sook."):
        names = _names(text)
        assert len(names) == 1, (text, names)
        first = text.split(",")[0].split(" was")[0]
        assert names == {first}, (text, names)


def test_a_person_with_an_alias_counts_once():
    claims = _claims("Choe Song-ho, 40, also spelled Choi Sung-ho, was detained in Tonghua on 3 March.")
    assert [(c.type, c.count.best) for c in claims] == [("arrest", 1)]
    assert [v.name for v in claims[0].victims] == ["Choe Song-ho"]


def test_two_different_people_with_one_surname_stay_apart():
    names = _names("Kim Sun-ok and Kim Yong-ho were detained in Yanji.")
    assert names == {"Kim Sun-ok", "Kim Yong-ho"}


# --- a dateline is not the event's date -------------------------------------------------------------

def test_dateline_date_gives_way_to_the_weekday_of_the_event():
    for agency in ("Border Wire", "Northeast Asia Church Newswire"):
        text = (f"BEIJING, March 14 ({agency}) - Police in Dandong arrested 7 North Koreans, among them two "
                "teenagers and a woman of about 60, at a fish market late on Monday, a church group said on Thursday.")
        arrests = [c for c in _claims(text) if c.type == "arrest"]
        assert len(arrests) == 1, agency
        assert arrests[0].date.earliest == date(2025, 3, 10), agency
        assert arrests[0].count.best == 7


# --- "returned" with people as its object ----------------------------------------------------------

def test_active_returned_with_people_is_a_repatriation():
    for text in ("On 2 February, Chinese authorities returned roughly 40 North Koreans through Hunchun.",
                 "Beijing quietly returned the six women last week."):
        assert ("repatriation", False) in _types(text), text


def test_returned_to_china_by_a_third_country_is_a_transfer():
    text = "Lao police caught five North Koreans near Boten and returned them to China at Mohan."
    assert ("transfer", False) in _types(text)


def test_returned_home_or_to_work_is_not_an_event():
    for text in ("The reporter returned to Seoul on Friday.", "She returned the documents to the office."):
        assert _types(text) == [], text


# --- moves told from one place to another ------------------------------------------------------------

def test_moved_from_one_place_to_another_is_a_transfer():
    claims = _claims("On 5 March the nine were moved from a police station in Yanji to the detention centre in Tumen.")
    transfers = [c for c in claims if c.type == "transfer"]
    assert len(transfers) == 1
    assert {p.name for p in transfers[0].places} >= {"Yanji", "Tumen"}
    assert transfers[0].count.best == 9


def test_relocated_and_shifted_are_transfers():
    for text in ("The women were relocated to a facility in Dandong.",
                 "The detainees were shifted to Tumen the next day."):
        assert ("transfer", False) in _types(text), text


# --- police taking people away ----------------------------------------------------------------------

def test_police_dragging_or_hauling_people_away_is_an_arrest():
    for text in ("Security agents hauled three North Korean men out of a church in Yanji.",
                 "Police dragged the couple from a bus near Helong.",
                 "Officers led away two women from a restaurant in Shenyang."):
        assert ("arrest", False) in _types(text), text


# --- losing track of people ---------------------------------------------------------------------------

def test_losing_track_and_no_word_are_disappearances():
    for text in ("The church has lost track of 12 people it helped last year.",
                 "Her family has had no word from her since the spring.",
                 "Nobody has seen him since he was taken to the border."):
        assert ("disappearance", False) in _types(text), text


# --- arrivals in the South ----------------------------------------------------------------------------

def test_arrivals_in_the_south_are_releases():
    claims = _claims("Official figures show that 180 North Korean defectors arrived in the South in 2021.")
    assert [(c.type, c.count.best, c.date.earliest, c.date.latest) for c in claims] == \
        [("release", 180, date(2021, 1, 1), date(2021, 12, 31))]


# --- a term in a labour camp --------------------------------------------------------------------------

def test_a_term_in_a_labour_camp_is_a_punishment():
    for text in ("After her return she spent eight months in a labour training camp in Hyesan.",
                 "He served two years in a re-education camp near Chongjin."):
        assert ("punishment", False) in _types(text), text


# --- a helper arrested with the people he guided ------------------------------------------------------

def test_a_broker_arrested_with_the_group_is_a_separate_arrest():
    text = ("Police in Dalian detained four North Korean women at a guesthouse on 2 March. "
            "Their guide, a Chinese man surnamed Gao, was arrested with them.")
    arrests = [c for c in _claims(text) if c.type == "arrest"]
    assert sorted(c.count.best for c in arrests) == [1, 4]
    guide = next(c for c in arrests if c.count.best == 1)
    assert [v.name for v in guide.victims] == ["Gao"]
    assert guide.date.earliest == date(2025, 3, 2)


def test_an_undated_driver_arrest_takes_the_date_of_the_raid_not_of_the_report():
    text = ("HUNCHUN - Police detained five North Korean men and the lorry driver who had hidden them at a "
            "roadside inn on Sunday night, a church group said on Tuesday.\n\n"
            "The driver, a local man surnamed Gao, was arrested at the inn.\n\n"
            "They are being held at a police station in Hunchun.")
    claims = _claims(text, date(2025, 3, 11))
    arrests = sorted((c for c in claims if c.type == "arrest"), key=lambda c: c.count.best)
    assert [(c.count.best, c.date.earliest) for c in arrests] == [(1, date(2025, 3, 9)), (5, date(2025, 3, 9))]
    assert [v.name for v in arrests[0].victims] == ["Gao"]


# --- told apart, told again -----------------------------------------------------------------------------

def test_a_separate_case_in_the_same_month_is_its_own_arrest():
    text = ("Chinese police detained nine North Koreans in Tonghua on 20 February. "
            "In a separate case, Mongolian border guards caught three North Koreans near Zamyn-Uud in February.")
    arrests = [c for c in _claims(text) if c.type == "arrest"]
    assert sorted(c.count.best for c in arrests) == [3, 9]


def test_during_the_quarter_is_the_quarter_named_before():
    text = ("This bulletin covers the second quarter of 2024. "
            "Our contacts confirmed that 14 North Koreans were detained in Jilin during the quarter.")
    arrests = [c for c in _claims(text, date(2024, 7, 20)) if c.type == "arrest"]
    assert [(c.count.best, c.date.earliest, c.date.latest) for c in arrests] == [(14, date(2024, 4, 1),
                                                                                   date(2024, 6, 30))]


def test_their_last_night_somewhere_is_not_last_night():
    text = "The guide was caught in Antu on 9 May, where the two women had spent their last night in hiding."
    arrests = [c for c in _claims(text, date(2025, 5, 20)) if c.type == "arrest"]
    assert [c.date.earliest for c in arrests] == [date(2025, 5, 9)]


def test_a_group_told_again_keeps_the_names_given_before():
    text = ("Yun Mi-sook and her son Yun Chol were arrested at a checkpoint near Helong on 2 March. "
            "The pair were moved to the detention centre in Tumen on 6 March.")
    transfers = [c for c in _claims(text) if c.type == "transfer"]
    assert len(transfers) == 1
    assert {v.name for v in transfers[0].victims} == {"Yun Mi-sook", "Yun Chol"}


def test_a_named_member_of_a_group_is_a_victim_of_the_group_events():
    text = ("Police in Yanji arrested six North Korean women on 4 March. "
            "One of the six, Pak Hye-jin, 29, had worked in a restaurant in the city for five years. "
            "On 9 March the six were transferred to Tumen.")
    claims = _claims(text)
    for kind in ("arrest", "transfer"):
        ev = next(c for c in claims if c.type == kind)
        assert "Pak Hye-jin" in {v.name for v in ev.victims}, kind


# --- two events in one sentence, each with its own time and figure ---------------------------------------

def test_that_season_is_the_season_of_the_year_being_told():
    text = ("Her troubles began in 2016. That summer she was caught by police in Longjing.")
    arrests = [c for c in _claims(text) if c.type == "arrest"]
    assert [(c.date.earliest, c.date.latest) for c in arrests] == [(date(2016, 6, 1), date(2016, 8, 31))]


def test_a_date_opening_the_second_clause_belongs_to_its_verb():
    text = ("In the winter of 2011 he was detained in Hunchun with three other men, and in February 2012 he was "
            "handed over at Wonjong in a group of about 15.")
    claims = _claims(text)
    arrest = next(c for c in claims if c.type == "arrest")
    ret = next(c for c in claims if c.type == "repatriation")
    assert (ret.date.earliest, ret.date.latest) == (date(2012, 2, 1), date(2012, 2, 29))
    assert (ret.count.best, ret.count.qualifier) == (15, "about")
    assert arrest.count.best == 4


# --- first-person narration and groups told again -------------------------------------------------------

def test_first_person_moves_and_returns_are_events():
    for text, kind in (("In June they drove us to the border post at Sanhe.", "transfer"),
                       ("The guards took me to Tumen the next week.", "transfer"),
                       ("Then the police came for me at the restaurant.", "arrest")):
        assert (kind, False) in _types(text), text


def test_the_pair_counts_two():
    text = "On 3 June the pair were caught by border police near Changbai."
    arrests = [c for c in _claims(text) if c.type == "arrest"]
    assert [c.count.best for c in arrests] == [2]


def test_a_mother_and_her_named_child_count_two():
    text = ("Ri Sun-ok, a 36-year-old North Korean woman, and her six-year-old son Chol-jin were detained at a "
            "bus station in Yanji on 2 March.")
    arrests = [c for c in _claims(text) if c.type == "arrest"]
    assert [c.count.best for c in arrests] == [2]


# --- a bare month or season continuing an old story ------------------------------------------------------

def test_a_bare_month_after_an_old_dated_episode_continues_that_year():
    text = ("In the autumn of 2015 she was arrested in Tumen. "
            "In December the police sent her back across the river to Namyang.")
    ret = next(c for c in _claims(text, date(2024, 6, 1)) if c.type == "repatriation")
    assert (ret.date.earliest, ret.date.latest) == (date(2015, 12, 1), date(2015, 12, 31))


def test_a_bare_month_after_a_whole_year_of_background_is_this_year():
    text = "Her first arrest was in 2017. In March, police in Yanji detained her again."
    arrests = sorted((c for c in _claims(text, date(2024, 6, 1)) if c.type == "arrest"),
                     key=lambda c: c.date.earliest)
    assert arrests[-1].date.earliest == date(2024, 3, 1)


def test_losing_contact_after_an_arrest_is_a_disappearance():
    text = "During 2024 relatives lost contact with 7 people after their arrest in Liaoning."
    claims = _claims(text, date(2025, 2, 1))
    assert [(c.type, c.count.best) for c in claims] == [("disappearance", 7)]


def test_held_since_their_arrest_is_custody_from_the_arrest_to_publication():
    text = ("Border police caught the two men near Sanhe on 4 March. "
            "They have been kept in a detention centre in Longjing since their arrest, a relative said.")
    claims = _claims(text, date(2025, 3, 20))
    spans = sorted((c.type, c.date.earliest, c.date.latest) for c in claims)
    assert spans == [("arrest", date(2025, 3, 4), date(2025, 3, 4)),
                     ("detention", date(2025, 3, 4), date(2025, 3, 20))]


def test_a_term_told_by_its_length_runs_from_the_event_before_it():
    text = ("He was handed over at Sinuiju in August 2012 and spent the next nine months in a re-education camp "
            "in Kaechon.")
    term = next(c for c in _claims(text, date(2020, 1, 1)) if c.type == "punishment")
    assert (term.date.earliest, term.date.latest) == (date(2012, 8, 1), date(2013, 5, 31))


def test_a_figure_after_the_helpers_verb_is_not_his_count():
    text = ("Police detained three North Korean women in Tonghua on 1 March. The man who was to drive them to "
            "Dalian, a smuggler surnamed Wei, was detained on 2 March in Baishan, where the three had hidden.")
    arrests = sorted((c for c in _claims(text) if c.type == "arrest"), key=lambda c: c.date.earliest)
    assert [(c.count.best, c.date.earliest) for c in arrests] == [(3, date(2025, 3, 1)), (1, date(2025, 3, 2))]
    assert [v.name for v in arrests[1].victims] == ["Wei"]
