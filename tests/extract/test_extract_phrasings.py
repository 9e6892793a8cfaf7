"""Phrasing classes the extractor learned from the former held-out set, each with sentences of its own."""

from datetime import date

from refwatch.extract.dates import find_dates
from refwatch.extract.pipeline import extract
from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers

PUB = date(2024, 6, 12)


def _open(text: str, published: date = PUB) -> list[str]:
    """Types of the unblocked triggers, with the dates known (some rules look at them)."""
    return [t.type for t in find_triggers(text, split_sentences(text), dates=find_dates(text, published))
            if not t.blocked]


def _events(text: str, published: date = PUB):
    return extract(text, published)


def _one(text: str, published: date = PUB):
    (ev,) = _events(text, published)
    return ev


def _range(ev) -> tuple[date | None, date | None]:
    return ev.date.earliest, ev.date.latest


# --- dates -------------------------------------------------------------------

def test_day_of_month_alone_is_the_latest_such_day():
    (m,) = find_dates("The hearing took place on the 3rd.", PUB)
    assert (m.range.earliest, m.range.latest) == (date(2024, 6, 3), date(2024, 6, 3))
    (m,) = find_dates("He was released on the 27th.", PUB)  # after the 12th: the month before
    assert (m.range.earliest, m.range.latest) == (date(2024, 5, 27), date(2024, 5, 27))
    assert find_dates("It was the 27th of those meetings.", PUB) == []


def test_ago_today_is_one_day():
    (m,) = find_dates("Two years ago today, the bridge was closed.", PUB)
    assert (m.range.earliest, m.range.latest) == (date(2022, 6, 12), date(2022, 6, 12))


def test_that_month_name_takes_the_year_told_before():
    ms = find_dates("They settled in Yanji in 2015. That March the police came.", PUB)
    assert [(m.range.earliest, m.range.latest) for m in ms][-1] == (date(2015, 3, 1), date(2015, 3, 31))


def test_following_and_that_units_count_from_the_date_before():
    ms = find_dates("She was held in August 2020. The following month she was moved. "
                    "Late that month she was released.", PUB)
    assert [(m.text, m.range.earliest, m.range.latest) for m in ms][1:] == [
        ("The following month", date(2020, 9, 1), date(2020, 9, 30)),
        ("Late that month", date(2020, 9, 21), date(2020, 9, 30))]


# --- triggers ----------------------------------------------------------------

def test_handover_to_chinese_police_without_over_is_a_transfer():
    assert _open("Mongolian guards handed the two men to Chinese police at Erenhot on Friday.") == ["transfer"]


def test_driving_people_to_the_north_korean_border_is_a_return():
    assert _open("Soldiers drove them to the North Korean border before dawn on Sunday.") == ["repatriation"]


def test_passive_seized_and_picked_up_are_arrests():
    assert _open("Four teenagers were seized at a bus depot in Longjing in March.") == ["arrest"]
    assert _open("Her cousin was picked up outside the market last week.") == ["arrest"]
    assert _open("The documents were seized on arrival.") == []


def test_sent_across_the_bridge_is_a_return():
    assert _open("Some 30 detainees were sent across the river at Hyesan in May.") == ["repatriation"]


def test_arrival_at_a_third_country_place_is_a_release():
    ev = _one("The family of four arrived at Suvarnabhumi Airport in Bangkok last night.")
    assert ev.type == "release" and "Bangkok" in [p.name for p in ev.places]
    assert _events("The family of four arrived at the station in Yanji last night.") == []


def test_further_returns_are_repatriations_unless_asked_to_stop():
    assert _open("Further returns were recorded at Tumen in April.") == ["repatriation"]
    assert _open("The envoy asked Beijing to refrain from any further returns.") == []
    assert _open("There have been no further returns since May.") == []


def test_present_custody_phrasings_are_detention_states():
    for text in ("Eleven women are still waiting in the Nanning holding centre.",
                 "Around 80 people remain in Chinese custody.",
                 "Up to 300 escapees may currently be held in Liaoning."):
        ts = [t for t in find_triggers(text, split_sentences(text)) if not t.blocked]
        assert [(t.type, t.state) for t in ts] == [("detention", True)], text


def test_hedges_block_a_state_without_an_explicit_present():
    assert _open("The boy is believed to be held in a police station.") == []
    assert _open("Dozens are thought to remain in police custody today.") == ["detention"]


def test_a_smuggler_taking_someone_across_is_an_escape():
    assert _open("In 2009 a guide took him across the Yalu near Manpo.") == ["escape"]


def test_once_before_with_its_own_date_is_one_time():
    assert _open("He had been deported once before, in 2015, by the border police.") == ["repatriation"]
    assert _open("Most of them have been deported more than once.") == []


def test_death_in_custody_noun_is_a_death():
    assert _open("The bulletin recorded a death in custody at Baishan.") == ["death"]


def test_headline_return_to_china_of_a_group_is_a_transfer():
    text = "Laos returns five defectors to China\n\nThe five were handed over at Boten on Monday."
    ts = [t for t in find_triggers(text, split_sentences(text)) if not t.blocked]
    assert ts[0].type == "transfer"


# --- assembly ----------------------------------------------------------------

def test_other_group_stays_apart_from_the_first():
    text = ("A man arrested in Hunchun was sentenced to ten years at a trial in Musan on 4 June. "
            "Three other men were sentenced to five years each.")
    evs = [e for e in _events(text) if e.type == "punishment"]
    assert sorted(e.count.best for e in evs) == [1, 3]


def test_running_tally_does_not_absorb_one_raid():
    text = ("At least six people were arrested in Tumen between 2 and 5 May. "
            "Since January we have recorded 12 instances of arrest involving at least 40 people.")
    evs = sorted((e.count.best, e.date.earliest) for e in _events(text) if e.type == "arrest")
    assert evs == [(6, date(2024, 5, 2)), (40, date(2024, 1, 1))]


def test_a_woman_and_a_man_are_two_deaths():
    text = ("A woman held in a cell in Yanji died in early May. "
            "The man, named by his family as Pyo, hanged himself last month.")
    evs = [e for e in _events(text) if e.type == "death"]
    assert len(evs) == 2


def test_count_after_a_later_verb_of_another_clause_is_not_this_ones():
    text = ("He was detained in Ji'an in March 2021 and held for a year before he was sent back "
            "with about 40 others in April.")
    arrest = next(e for e in _events(text) if e.type == "arrest")
    assert (arrest.count.best, arrest.count.qualifier) == (1, "exact")


def test_each_clause_of_a_tally_keeps_its_figure():
    text = "This year we counted 9 instances of arrest involving at least 21 people, and 2 instances of forced return."
    got = {e.type: (e.count.best, e.count.unit) for e in _events(text)}
    assert got["repatriation"] == (2, "cases")
    assert got["arrest"] == (21, "persons")


def test_since_date_and_relative_clause_date_give_way():
    ev = _one("A woman in her sixties, held since 2019, died in the Hunchun facility on the 5th.")
    assert _range(ev) == (date(2024, 6, 5), date(2024, 6, 5))
    ev = next(e for e in _events("A couple who crossed the river in March reached Thailand two weeks ago.")
              if e.type == "release")
    assert _range(ev) == (date(2024, 5, 27), date(2024, 6, 2))


def test_a_country_is_the_place_when_nothing_finer_is_named():
    ev = _one("Six students were detained by police in Cambodia in 2019.")
    assert [p.name for p in ev.places] == ["Cambodia"]
    ev = _one("Roughly 400 escapees are currently held in China.")
    assert [p.name for p in ev.places] == ["China"]
    ev = _one("Dozens remain in Chinese custody today.")
    assert [p.name for p in ev.places] == ["China"]


def test_participle_inside_the_subject_keeps_one_person():
    ev = next(e for e in _events("A young man deported from China in May was sentenced at a trial in Musan on 2 June.")
              if e.type == "punishment")
    assert (ev.count.best, ev.count.qualifier) == (1, "exact")
    ev = _one("A woman returned in the same group died in custody in Onsong in March.")
    assert ev.count.best == 1


def test_a_headless_figure_followed_by_who_counts_people():
    ev = next(e for e in _events("The hundreds who were caught in 2017 were all sent back.") if e.type == "arrest")
    assert ev.count is not None and (ev.count.qualifier, ev.count.low) == ("vague", 200)


def test_a_bare_present_state_is_too_thin_to_stand_alone():
    assert _events('"We are people held in a waiting room," she said.') == []


def test_a_dated_transfer_between_arrest_and_return_is_kept():
    text = ("Police arrested nine people in Longjing on 2 May, transferred them to Tumen on 6 May "
            "and deported them across the river on 15 May.")
    assert sorted((e.type, e.date.earliest.day) for e in _events(text)) == [
        ("arrest", 2), ("repatriation", 15), ("transfer", 6)]
    ev = _one("The men were moved to the border and sent back on 15 May.")
    assert ev.type == "repatriation"


def test_not_heard_from_since_an_arrest_is_a_disappearance_from_then():
    text = "A young man named Ryu Chang-ho was detained in Tonghua in early 2023 and has not been heard from since."
    gone = next(e for e in _events(text) if e.type == "disappearance")
    assert _range(gone) == (date(2023, 1, 1), PUB)


def test_a_present_state_clause_keeps_its_own_figure():
    text = "About 15 people were caught in Hunchun on Monday, and some 40 others remain in custody in Yanji."
    got = {e.type: e.count.best for e in _events(text)}
    assert got == {"arrest": 15, "detention": 40}


def test_a_name_after_a_title_is_the_name():
    ev = _one("An elderly man identified only as Mr. Pang was detained in Ji'an on 30 April.")
    assert [v.name for v in ev.victims] == ["Pang"]


def test_an_after_clause_with_its_own_date_is_an_event():
    text = "On 3 June, nine women were sent to a labour camp in Chongjin after their repatriation in March."
    assert sorted((e.type, e.date.earliest.month) for e in _events(text)) == [("punishment", 6), ("repatriation", 3)]
    assert _open("Laos handed four people over to Chinese police after they were caught near the border.") == [
        "transfer"]


def test_title_and_surname_is_one_person_for_both_verbs():
    text = "Mrs. Yang, 47, was detained by police in Tumen in January and deported in March."
    assert [(e.type, e.count.best) for e in _events(text)] == [("arrest", 1), ("repatriation", 1)]


def test_counts_each_with_a_later_date_are_separate_events():
    text = "Police detained 25 people in Hunchun in February and 14 in Helong in March."
    assert sorted((e.date.earliest.month, e.count.best) for e in _events(text)) == [(2, 25), (3, 14)]
    ev = _one("Some 60 people were sent back in April, including 25 women, a group said in May.")
    assert (ev.date.earliest.month, ev.count.best) == (4, 60)


def test_over_the_weekend_is_the_last_weekend():
    (m,) = find_dates("Eight people were detained over the weekend.", PUB)  # PUB is a Wednesday
    assert (m.range.earliest, m.range.latest) == (date(2024, 6, 8), date(2024, 6, 9))


def test_flying_or_being_let_go_to_the_south_is_a_release():
    assert _open("The two sisters flew to Seoul on 4 June.") == ["release"]
    assert _open("In May the men were allowed to leave for South Korea.") == ["release"]
    assert _open("They hope to be allowed to leave for South Korea.") == []


def test_the_person_named_in_a_later_sentence_is_the_events_victim():
    text = ("A young man held at a police station in Helong died in April. His relatives were not told. "
            "The man, named by a cousin as Bae Jun-seo, had been caught in February.")
    death = next(e for e in _events(text) if e.type == "death")
    assert [v.name for v in death.victims] == ["Bae Jun-seo"]


def test_a_name_after_said_with_an_age_and_a_verb_is_the_subject_not_the_speaker():
    ev = _one("The monitoring group said Bang Eun-ju, 33, and her son, 8, were detained in Yanji in May.")
    assert [v.name for v in ev.victims] == ["Bang Eun-ju"]
    assert "Bang Eun-ju" not in ev.sources


def test_a_handover_into_china_is_kept_beside_the_return():
    text = "After being caught in Laos in early May, the six were handed over to Chinese police and deported in June."
    got = {e.type: e.count.best for e in _events(text)}
    assert got == {"arrest": 6, "transfer": 6, "repatriation": 6}


def test_a_couple_is_two_and_a_comma_chain_keeps_the_subject():
    text = "The pair escaped from Musan in 2016, were caught in Dandong in 2019 and deported a month later."
    assert [(e.type, e.count.best) for e in _events(text)] == [("escape", 2), ("arrest", 2), ("repatriation", 2)]


def test_each_clause_with_its_own_date_keeps_its_own_people_and_places():
    text = "Yu Ji-hye was detained in Kunming on 3 March; her brother, Yu Sang-min, was caught in Dandong a week later."
    got = sorted((e.date.earliest, [v.name for v in e.victims], [p.name for p in e.places]) for e in _events(text))
    assert [g[1:] for g in got] == [(["Yu Ji-hye"], ["Kunming"]), (["Yu Sang-min"], ["Dandong"])]


def test_sending_a_group_to_a_camp_is_a_punishment():
    assert _open("Security officials sent the nine returnees to a labour training camp in May.") == ["punishment"]
    assert _open("Police sent the nine women back to North Korea in May.") == ["repatriation"]


def test_the_n_year_old_is_one_person():
    ev = _one("The 19-year-old was arrested at a bus station in Yanji on 30 May.")
    assert (ev.count.best, ev.count.qualifier) == (1, "exact")


def test_not_heard_from_him_since_and_a_hyphen_dateline():
    text = "Her son was detained in Tumen in 2021 and the family has not heard from him since."
    assert sorted(e.type for e in _events(text)) == ["arrest", "disappearance"]
    text = ("China returns 30 escapees\n\nSEOUL, June 7 (Newswire) - China sent about 30 North Koreans back "
            "through Hunchun on Tuesday, activists said.")
    (ev,) = [e for e in _events(text, date(2024, 6, 7)) if e.type == "repatriation"]
    assert _range(ev) == (date(2024, 6, 4), date(2024, 6, 4))
