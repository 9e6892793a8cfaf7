"""Phrasing classes found missing on a held-out set, each tested with invented sentences.

Every test names one class of wording (not one report): ordinary-word escapes,
releases, arrests, deaths and punishments; a number a tally "rose to"; a bare
day or month inside a sentence that names its year; "that same month" and
"the following morning" told from the date before; a narrator's own case.
"""

from datetime import date

from refwatch.extract.dates import find_dates
from refwatch.extract.pipeline import extract
from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers

PUB = date(2024, 11, 5)


def _types(text: str) -> list[tuple[str, bool]]:
    return [(t.type, t.blocked) for t in find_triggers(text, split_sentences(text))]


def _events(text: str, pub: date | None = PUB):
    return [(c.type, c.date.earliest, c.date.latest, c.count.best if c.count else None,
             c.count.qualifier if c.count else None) for c in extract(text, pub)]


# --- event words told in ordinary language --------------------------------------------------------

def test_wading_swimming_and_slipping_across_are_escapes():
    for text in ("Two brothers waded across the Yalu one night in August.",
                 "She swam across near Sambong when the water was low.",
                 "The family slipped quietly through the border fence before dawn.",
                 "A former soldier crossed into China last spring."):
        assert ("escape", False) in _types(text), text


def test_slipping_out_of_a_meeting_is_not_an_escape():
    assert _types("The minister slipped out of the meeting early.") == []


def test_giving_oneself_up_is_an_arrest():
    for text in ("The four gave themselves up to a Thai patrol near Chiang Saen.",
                 "He turned himself in to police in Vientiane after a week.",
                 "Officers in Yanji stopped him at a railway ticket barrier.",
                 "Police in Tonghua picked up nine women at a garment workshop."):
        assert [t for t, _ in _types(text)] == ["arrest"], text


def test_landing_in_seoul_and_being_let_go_are_releases():
    for text in ("The six landed at Incheon three days later.",
                 "The guards let her go after two months because she was ill.",
                 "They were handed the following day to the South Korean consulate in Shenyang."):
        assert ("release", False) in _types(text), text


def test_a_report_being_released_is_not_a_release():
    assert _types("The group's annual report released on Friday lists the cases.") == []


def test_drowning_and_freezing_are_deaths():
    assert _types("A teenager drowned in the Tumen in July.") == [("death", False)]
    assert _types("Two men froze to death near the fence last winter.") == [("death", False)]


def test_lost_all_contact_and_nobody_heard_are_disappearances():
    for text in ("Her relatives lost all contact with her after the raid.",
                 "No one has heard from the pastor since March.",
                 "We have not heard anything from my uncle since that night."):
        assert [t for t, _ in _types(text)] == ["disappearance"], text


def test_found_guilty_and_convicted_are_punishments():
    assert _types("The trader was found guilty of smuggling at a trial in Musan.") == [("punishment", False)]
    assert _types("Both were convicted in a closed hearing in Hyesan.") == [("punishment", False)]


def test_held_in_a_labour_camp_is_punishment_not_detention():
    assert [t for t, _ in _types("She was held at a labour camp in Chongori for three years.")] == ["punishment"]
    assert [t for t, _ in _types("She was held at a police station in Tumen.")] == ["detention"]


def test_ordinary_words_for_a_return_across_the_border():
    for text in ("Guards drove the eight detainees back across the river at Namyang.",
                 "About 40 people were driven across the bridge to Sinuiju.",
                 "They put all of us on a truck over the bridge to Hyesan.",
                 "Most of the 70 were handed over, the group said."):
        assert ("repatriation", False) in _types(text), text


def test_handed_over_to_chinese_police_stays_a_transfer():
    assert [t for t, _ in _types("The five were handed over to Chinese police at the border.")] == ["transfer"]


def test_spent_months_in_a_holding_centre_is_a_detention():
    assert [t for t, _ in _types("Afterwards she spent two months in the holding centre at Onsong.")] == ["detention"]
    # "has spent" is a state up to now, told elsewhere; only the past narration is an event word here
    assert _types("He has spent a year in a detention centre.") == []


# --- counts ----------------------------------------------------------------------------------------

def test_the_figure_a_tally_changed_to_is_its_count():
    (ev,) = extract("Forced returns rose to 143 in 2022, officials said.", PUB)
    assert (ev.type, ev.count.best, ev.count.qualifier) == ("repatriation", 143, "exact")
    got = _events("Forced returns fell from over 900 in 2019 to a few dozen in 2021.")
    by_year = {e[1].year: (e[3], e[4]) for e in got}
    assert by_year == {2019: (900, "more_than"), 2021: (None, "vague")}


def test_a_narrator_telling_their_own_case_is_one_person():
    (ev,) = extract("In June 2016 I crossed again, alone this time.", PUB)
    assert (ev.type, ev.count.best, ev.count.qualifier) == ("escape", 1, "exact")
    (ev,) = extract("In the spring of 2017 the guards let me go.", PUB)
    assert (ev.type, ev.count.best) == ("release", 1)


def test_a_named_narrator_is_not_replaced_by_an_unrelated_i():
    text = "A cousin told the pastor I trust that police had come and taken her away in May 2022."
    (ev,) = extract(text, PUB)
    assert ev.count.text != "I"


# --- dates -----------------------------------------------------------------------------------------

def test_a_bare_day_takes_the_year_its_sentence_names():
    text = "For 2021 the group counted 48 returns, most of them on the night of 3 May."
    last = find_dates(text, PUB)[-1]
    assert (last.range.earliest, last.range.latest) == (date(2021, 5, 3), date(2021, 5, 3))


def test_a_bare_month_in_a_later_sentence_keeps_the_publication_year():
    text = "In 2020 he fled. He was caught in March."
    assert find_dates(text, PUB)[-1].range.earliest == date(2024, 3, 1)


def test_a_bare_month_after_a_duration_keeps_the_publication_year():
    text = "She was arrested in June 2022 and held for over a year before being sent back in March."
    assert find_dates(text, PUB)[-1].range.earliest == date(2024, 3, 1)


def test_that_same_month_is_the_month_just_named():
    text = "He was detained last month in Tumen and was sent back across the river that same month."
    last = find_dates(text, PUB)[-1]
    assert (last.text, last.range.earliest, last.range.latest) == ("that same month", date(2024, 10, 1),
                                                                    date(2024, 10, 31))


def test_the_following_morning_is_the_next_day():
    text = "They crossed on the night of 4 October and were stopped by a patrol the following morning."
    last = find_dates(text, PUB)[-1]
    assert (last.range.earliest, last.range.latest) == (date(2024, 10, 5), date(2024, 10, 5))


def test_the_same_day_is_not_read_as_that_same_day():
    # "the same day" points at an event's day, not at the date told just before it
    text = "The source said on the 2nd that a man returned the same day died in custody."
    assert [d.text for d in find_dates(text, PUB)] == ["the 2nd"]


def test_taken_across_the_bridge_in_the_passive_is_a_return():
    (ev,) = extract("In July 2022 about 40 people were taken across the bridge to Sinuiju.", PUB)
    assert (ev.type, ev.count.best, ev.count.qualifier) == ("repatriation", 40, "about")
    assert (ev.date.earliest, ev.date.latest) == (date(2022, 7, 1), date(2022, 7, 31))


def test_n_of_them_is_a_breakdown_not_an_addition():
    (ev,) = extract("A group of nine North Koreans, three of them children, reached Bangkok on 4 November.", PUB)
    assert (ev.type, ev.count.best) == ("release", 9)


def test_deaths_are_counted_as_people():
    (ev,) = extract("It recorded five deaths in custody in March.", PUB)
    assert (ev.type, ev.count.best, ev.count.qualifier) == ("death", 5, "exact")


def test_a_round_up_finding_takes_the_year_of_its_lead():
    text = ("Police arrested 12 people in Yanji in 2023, the watchdog said.\n\n"
            "The group said two people died in custody.")
    death = [e for e in _events(text, date(2024, 2, 5)) if e[0] == "death"]
    assert death == [("death", date(2023, 1, 1), date(2023, 12, 31), 2, "exact")]
    # a sentence that no one reports keeps its own (unknown) date
    text = "Police arrested 12 people in Yanji in 2023, the watchdog said.\n\nTwo people died in custody."
    death = [e for e in _events(text, date(2024, 2, 5)) if e[0] == "death"]
    assert death[0][1] is None


def test_a_transfer_to_a_new_place_starts_where_the_arrest_was():
    text = "Police arrested a woman in Yanji on 2 May. Ten days later she was moved to a detention centre in Tumen."
    (tr,) = [c for c in extract(text, PUB) if c.type == "transfer"]
    assert [p.name for p in tr.places] == ["Yanji", "Tumen"]
    text = "Police arrested a woman in Yanji on 2 May. Ten days later she was moved to Tumen from a hostel."
    tr = [c for c in extract(text, PUB) if c.type == "transfer"]
    assert tr and all("Yanji" not in [p.name for p in c.places] for c in tr)


def test_a_name_and_its_other_romanisation_are_one_person():
    from refwatch.extract.victims import find_victims

    for text, first in (("Pak Un-ju (Park Eun-joo), 38, was arrested in Tumen in May 2022.", "Pak Un-ju"),
                        ("Her nephew, Choe Myong-su - Choi Myung-soo on his papers - was arrested in Tumen "
                         "in May 2022.", "Choe Myong-su"),
                        ("Pak Un-ju (also spelled Park Eun-joo) was arrested in Tumen in May 2022.", "Pak Un-ju")):
        assert {v.name for v in find_victims(text, split_sentences(text))} == {first}, text
        (ev,) = extract(text, PUB)
        assert ev.count.best == 1, text


def test_two_different_people_named_together_stay_two():
    from refwatch.extract.victims import find_victims

    text = "Pak Un-ju and Choe Myong-su were arrested in Tumen in May 2022."
    assert len({v.name for v in find_victims(text, split_sentences(text))}) == 2


def test_the_number_as_subject_counts_people():
    text = "The seven waded across the Tumen near Namyang on the night of 3 June."
    (ev,) = extract(text, PUB)
    assert (ev.type, ev.count.best, ev.count.qualifier) == ("escape", 7, "exact")


def test_a_relative_clause_about_someone_else_does_not_take_the_group_count():
    text = ("The four crossed the river on 3 June and hid in Yanji with the help of a broker who has since "
            "stopped answering his phone.")
    got = _events(text)
    assert ("escape", date(2024, 6, 3), date(2024, 6, 3), 4, "exact") in got
    assert not any(e[0] == "disappearance" and e[3] == 4 for e in got)


def test_the_holding_centre_at_a_town_is_that_towns_holding_centre():
    from refwatch.extract.places import find_places

    names = [p.ref.name for p in find_places("She spent a month in the holding centre at Nongpo before her trial.")]
    assert "Nongpo Holding Centre" in names
    # a town with no holding centre of that name in the gazetteer gives no invented centre
    names = [p.ref.name for p in find_places("He was kept in the detention centre at Yanji for a week.")]
    assert not any("Centre" in n for n in names)
