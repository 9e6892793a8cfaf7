"""Generalisation round 4: classes of miss behind the fourth held-out set.

Each test names one class of wording and checks it on invented sentences
(names, places and figures are made up): returns told as "handed back",
"handed across", "sent across" or a handover to the North's security
police; arrests told as "taken away", police taking someone from a home,
police coming to a house, troops finding people; custody told as "kept"
or "held them for"; a present place of custody ("still in the ...
detention centre"); an escape told in the first person without an object
("the first time we crossed"), "went across", "got out"; releases told as
"let go", "let them fly to Seoul", "flown to Seoul", arrivals in the South;
moves "by road to" and "took them on to"; disappearances told as "neither
has been heard from", "never heard of her again", "do not know where the
others are"; a term in a named camp; a pseudonym ("a man I will call
Pyo") that is not a future event; questions whose answer carries the
figure; a partitive "Of those 40, ..."; a bare month read in the year of
the story's frame.
"""

from datetime import date

from refwatch.extract.pipeline import extract
from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers

PUB = date(2025, 3, 14)


def _types(text: str) -> list[tuple[str, bool]]:
    return [(t.type, t.blocked) for t in find_triggers(text, split_sentences(text))]


def _open_types(text: str) -> set[str]:
    return {t for t, blocked in _types(text) if not blocked}


def _claims(text: str, pub: date | None = PUB):
    return extract(text, pub)


# --- returns ---------------------------------------------------------------------------------------

def test_handed_back_and_handed_across_are_returns():
    for text in ("At least 25 of the detainees have since been handed back.",
                 "The couple was handed back across the river at Manpo in May.",
                 "In June the boy was handed across to Hyesan."):
        assert "repatriation" in _open_types(text), text


def test_handed_across_to_chinese_police_is_not_a_return():
    text = "On 3 May the seven were handed across the river to Chinese police at Hekou."
    assert "repatriation" not in _open_types(text)


def test_sent_across_in_the_passive_is_a_return():
    for text in ("Roughly 40 people were sent across in a single night.",
                 "She was sent across at Sanhe a week later."):
        assert "repatriation" in _open_types(text), text


def test_handover_to_the_norths_security_police_is_a_return():
    for text in ("We were handed to the Bowibu at Onsong.",
                 "The two men were handed over to State Security in Sinuiju."):
        assert "repatriation" in _open_types(text), text


def test_taken_to_the_bridge_is_a_return():
    assert "repatriation" in _open_types("In April the guards took us to the bridge at Tumen.")


# --- arrests ----------------------------------------------------------------------------------------

def test_taken_away_is_an_arrest():
    assert "arrest" in _open_types("Three women sheltering in the church were taken away on Sunday.")


def test_police_taking_a_person_from_a_home_is_an_arrest():
    assert "arrest" in _open_types("Police took an elderly North Korean man from his room in Helong on Friday.")


def test_police_coming_to_a_house_is_an_arrest():
    assert "arrest" in _open_types("In May 2016 the police came to our house in the village.")


def test_troops_finding_people_is_an_arrest():
    assert "arrest" in _open_types("Mongolian soldiers found them near Sainshand on 2 June.")


def test_a_pseudonym_is_not_a_future_event():
    text = "A man I will call Pyo was picked up at a railway station in Jilin in March."
    assert ("arrest", False) in _types(text)
    assert ("repatriation", True) in _types("She will be sent back to the North soon.")


# --- custody ----------------------------------------------------------------------------------------

def test_kept_at_a_station_or_for_some_days_is_custody():
    for text in ("They kept me at the police station in Hunchun for a week.",
                 "The border police kept us three nights before letting us go.",
                 "The four were kept at a holding centre in Chongjin for a month."):
        assert "detention" in _open_types(text), text


def test_held_them_for_a_time_is_custody():
    for text in ("Thai police held them for ten days at a shelter in Chiang Rai.",
                 "The guards held us in a cell under the station."):
        assert "detention" in _open_types(text), text


def test_still_in_a_detention_centre_is_a_present_state():
    trigs = find_triggers("As far as anyone knows, he is still in the Tumen detention centre.",
                          split_sentences("As far as anyone knows, he is still in the Tumen detention centre."))
    assert any(t.type == "detention" and t.state and not t.blocked for t in trigs)


# --- escapes ----------------------------------------------------------------------------------------

def test_crossed_without_an_object_in_first_person_is_an_escape():
    for text in ("The second time we crossed was in the winter of 2014.",
                 "My aunt says she crossed in 2003 near Hoeryong."):
        assert "escape" in _open_types(text), text


def test_went_across_and_got_out_are_escapes():
    for text in ("In April 2015 I went across again, alone.",
                 "Her brother got out in 2011 and now works in Yanji."):
        assert "escape" in _open_types(text), text


def test_got_out_of_bed_is_not_an_escape():
    assert "escape" not in _open_types("She got out of bed before dawn every day.")


# --- releases ---------------------------------------------------------------------------------------

def test_let_go_and_let_them_fly_are_releases():
    for text in ("The pastor was let go after a week and a fine.",
                 "The authorities let them fly to Seoul at the end of the month.",
                 "On 4 March the family were flown to Seoul."):
        assert "release" in _open_types(text), text


def test_arrivals_in_the_south_are_releases():
    assert "release" in _open_types("The ministry counted 812 arrivals in South Korea in 2016.")


# --- moves ------------------------------------------------------------------------------------------

def test_moved_by_road_and_took_them_on_to_are_transfers():
    for text in ("On 5 May the group was moved by road to the detention centre in Tumen.",
                 "The Chinese side took them on to Kunming."):
        assert "transfer" in _open_types(text), text


# --- disappearances ---------------------------------------------------------------------------------

def test_not_heard_from_and_not_knowing_where_are_disappearances():
    for text in ("Neither of the sisters has been heard from since.",
                 "I never heard of him again after the trucks left.",
                 "We do not know where the other three are."):
        assert "disappearance" in _open_types(text), text


def test_not_knowing_where_someone_is_held_is_not_a_disappearance_word():
    text = "Their relatives do not know where they are held."
    assert "disappearance" not in _open_types(text)


# --- punishment -------------------------------------------------------------------------------------

def test_a_term_in_a_named_camp_is_a_punishment():
    assert "punishment" in _open_types("Her uncle was deported in 2009 and spent four years in the Chungsan camp.")
    assert "punishment" not in _open_types("They spent two years in the Mae La refugee camp.")


# --- questions and answers --------------------------------------------------------------------------

def test_an_answer_takes_the_event_word_of_its_question():
    text = ("INTERVIEWER: How many are still held in custody today?\n\n"
            "WITNESS: Our count is 350, in four or five facilities.")
    events = _claims(text)
    held = [e for e in events if e.type == "detention"]
    assert held and held[0].count is not None and held[0].count.best == 350
    assert held[0].date.earliest == PUB


def test_an_answer_with_its_own_event_word_keeps_it():
    text = "Q: What happened to your brother?\n\nA: He was arrested in Yanji in June 2019."
    events = _claims(text)
    assert [e.type for e in events] == ["arrest"]


def test_an_answer_without_a_place_takes_the_previous_answers_place():
    text = ("Q: Where did you live?\n\nA: I worked on a farm near Mudanjiang for three years.\n\n"
            "Q: How were you caught?\n\nA: In the spring of 2015 a neighbour reported me.")
    events = _claims(text)
    arrests = [e for e in events if e.type == "arrest"]
    assert arrests and any(p.name == "Mudanjiang" for p in arrests[0].places)


# --- counts and dates -------------------------------------------------------------------------------

def test_a_partitive_frame_is_not_the_events_figure():
    text = "Of those 52, at least 31 have been sent back, the group said."
    events = [e for e in _claims(text) if e.type == "repatriation"]
    assert events and events[0].count.best == 31


def test_a_bare_month_takes_the_year_of_the_storys_frame():
    text = ("In the spring of 2004 the family crossed the river near Musan. "
            "Police in Helong caught the father that summer. "
            "He was sent back in August and died in a camp in Kaechon.")
    events = _claims(text, date(2025, 9, 20))
    back = [e for e in events if e.type == "repatriation"]
    assert back and back[0].date.earliest == date(2004, 8, 1)


def test_a_bare_month_soon_after_the_frame_keeps_its_reading():
    text = ("She was detained in Yanji in November 2023. "
            "She was sent back in February, a relative said.")
    events = _claims(text, date(2024, 6, 1))
    back = [e for e in events if e.type == "repatriation"]
    assert back and back[0].date.earliest == date(2024, 2, 1)
