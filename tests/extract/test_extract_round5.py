"""Generalisation round 5: classes of miss behind the fourth and fifth held-out sets.

Each test names one class of miss and checks it on invented sentences (all
names, places and figures are made up):

* counts: a case list whose lines open with the verb take the person their
  heading line names ("Pak Su-yeon, 33." then "Detained in Hunchun ...");
  a chronology's dated lines ("2011 — Crosses the river with her son") tell
  of the one person the chronology follows; a second person who goes along
  ("with her aunt", "together with his girlfriend", "taking her son with
  her") or a pair as subject ("my brother and I") makes two; "him and
  three other men", "with at least eight others" add the one; a partitive
  frame or a figure with its own relative clause is not a list member ("Of
  the 20 detainees, we know of 9 who were returned, five who were freed");
  singular kin and role nouns ("her uncle", "the appellant", "Sister
  Grace", "the fourth was released") count one; "arrivals" count people;
  "something like 3,000" is about 3,000;
* triggers: returns told as "driven across the X–Y bridge", "drove them
  across the border", "the largest single return"; arrests told as
  "stopped at a checkpoint", "police also held the driver"; an escape told
  as "swam the Tumen"; a release told as "crossed ... into Thailand"; a
  disappearance told as "not been heard of since", "never seen or heard
  from him"; a chronology's present tense ("Crosses", "Arrives in Seoul");
  a relative clause of a bare figure ("17 who were returned") is an event;
* merging: a tally and one unnamed person's story stay apart, and so do one
  woman and a group of men ("Two men died").
"""

from datetime import date

from refwatch.extract.counts import find_counts
from refwatch.extract.pipeline import extract
from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers

PUB = date(2024, 6, 20)


def _types(text: str) -> list[tuple[str, bool]]:
    return [(t.type, t.blocked) for t in find_triggers(text, split_sentences(text))]


def _open_types(text: str) -> set[str]:
    return {t for t, blocked in _types(text) if not blocked}


def _of(text: str, etype: str, pub: date = PUB):
    return [c for c in extract(text, pub) if c.type == etype]


def _best(text: str, etype: str, pub: date = PUB):
    found = _of(text, etype, pub)
    assert found, (etype, [(c.type, c.count) for c in extract(text, pub)])
    return found[0].count.best if found[0].count else None


# --- counts: case lists and chronologies --------------------------------------------------------------

def test_case_list_line_takes_the_person_its_heading_names():
    text = ("Case 4.\nPak Su-yeon, 33.\nDetained in Hunchun in February 2022 and sent back through Quanhe "
            "in April.\n")
    arrests = _of(text, "arrest")
    assert arrests and arrests[0].count.best == 1
    assert any(v.name == "Pak Su-yeon" for v in arrests[0].victims)
    assert _best(text, "repatriation") == 1


def test_case_list_heading_with_two_names_counts_two():
    text = ("Case 7.\nYun Hye-rim and her cousin Yun Da-eun, 20 and 24.\nCaught at a guesthouse in Tonghua "
            "in August 2021.\n")
    assert _best(text, "arrest") == 2


def test_case_list_heading_without_a_name_counts_one():
    text = "Case 9.\nA man from Musan, 52, whose family asked for discretion.\nArrested near Longjing in May 2020.\n"
    assert _best(text, "arrest") == 1


def test_a_subjectless_line_without_a_heading_gets_no_borrowed_person():
    text = "Our report covers eleven provinces and two years of work.\nArrested in Yanji in May 2020: 14 women.\n"
    assert _best(text, "arrest") == 14


def test_chronology_line_tells_of_one_person():
    text = ("Timeline of one journey\n\nSpring 2010 — Crosses the Yalu near Manpo.\n"
            "August 2013 — Arrives in Seoul.\n")
    assert _best(text, "escape") == 1
    assert _best(text, "release") == 1


def test_chronology_line_with_a_companion_counts_two():
    text = "Timeline of one journey\n\nWinter 2004 — Crosses the Tumen River near Sambong with her son.\n"
    assert _best(text, "escape") == 2


def test_present_tense_needs_a_dated_line_or_a_headline():
    assert "escape" not in _open_types("Each winter the group crosses the frozen river near Hoeryong.")


# --- counts: companions and pairs ---------------------------------------------------------------------

def test_companion_with_a_relative_makes_two():
    for text in ("In March 2015 she crossed the river near Sambong with her uncle.",
                 "In June 2018 he was arrested in Longjing together with his girlfriend.",
                 "In 2012 she fled again, this time taking her younger son with her."):
        found = [c for c in extract(text, PUB) if c.type in ("escape", "arrest")]
        assert found and found[0].count.best == 2, text


def test_living_with_a_husband_is_not_a_companion_of_the_event():
    assert _best("In 2016 she was caught in Yanji, where she lived with a Chinese husband.", "arrest") == 1


def test_pair_subject_with_the_narrator_counts_two():
    assert _best("My brother and I left Hyesan in 2014 and crossed the Yalu that night.", "escape") == 2


def test_one_person_and_others_count_together():
    assert _best("In May 2022 police took him and three other men away from the sawmill.", "arrest") == 4
    c = _of("In May 2022 she was sent back through Tumen with at least eight others.", "repatriation")[0].count
    assert (c.best, c.qualifier) == (9, "at_least")


# --- counts: lists, frames, relative clauses ------------------------------------------------------------

def test_partitive_frame_is_not_a_list_member():
    assert _best("Of the six cousins, we have heard that three were returned through Sinuiju in June.",
                 "repatriation") == 3


def test_figures_with_their_own_relative_clauses_are_separate_groups():
    text = "Of the 20 detainees, we know of 9 who were returned, five who were freed in China, and two who died."
    assert _best(text, "repatriation") == 9
    assert _best(text, "release") == 5
    assert _best(text, "death") == 2


def test_relative_clause_of_a_figure_is_not_background():
    assert "repatriation" in _open_types("We know of 12 who were returned in the spring.")
    assert "repatriation" not in _open_types("Women who were returned face long sentences.")


# --- counts: singular people --------------------------------------------------------------------------

def test_kin_and_role_nouns_count_one():
    for text, etype in (("Her uncle was detained in Tumen in 2019.", "arrest"),
                        ("My aunt was sent to a labour camp in 2016.", "punishment"),
                        ("In May 2012 the appellant crossed the river near Musan.", "escape"),
                        ("Sister Grace arrived safely in Seoul in March.", "release"),
                        ("The fourth was released on Tuesday after paying a fine.", "release")):
        assert _best(text, etype) == 1, text


def test_arrivals_count_people():
    assert _best("The ministry counted 412 arrivals in South Korea in 2021.", "release") == 412


def test_something_like_is_about():
    c = find_counts("something like 3,000 North Koreans")[0].count
    assert (c.best, c.qualifier) == (3000, "about")


# --- triggers ---------------------------------------------------------------------------------------------

def test_driven_across_a_named_bridge_is_a_return():
    for text in ("Nine people were driven across the Quanhe–Wonjong Bridge at dawn on 2 May.",
                 "About 30 were driven from Hunchun across the bridge to Rason on 8 May.",
                 "Late last month police drove them across the border in two trucks."):
        assert "repatriation" in _open_types(text), text


def test_largest_single_return_is_a_return():
    assert "repatriation" in _open_types("The largest single return, of about 80 people, came in March.")


def test_stopped_at_a_checkpoint_and_police_held_are_arrests():
    for text in ("The three were stopped at a checkpoint near Antu in the first week of June.",
                 "Police also held the broker who had driven them from Yanji."):
        assert "arrest" in _open_types(text), text


def test_swam_the_river_is_an_escape():
    assert "escape" in _open_types("On Sunday a young man swam the Tumen near Namyang.")


def test_crossing_into_a_country_of_refuge_is_a_release():
    assert "release" in _open_types("In July the two women crossed the Mekong into Thailand.")
    assert "release" not in _open_types("In July the two women crossed the Mekong into Laos.")


def test_heard_of_since_and_never_seen_or_heard_from_are_disappearances():
    for text in ("Her cousin was caught in 2009 and has not been heard of since.",
                 "The family has never seen or heard from him again."):
        assert "disappearance" in _open_types(text), text


# --- merging ------------------------------------------------------------------------------------------------

def test_tally_and_one_unnamed_persons_story_stay_apart():
    text = ("From January to September we verified 19 incidents in which police detained at least 50 North "
            "Koreans. A woman I will call Min was picked up at a market in Yanji in March.")
    arrests = _of(text, "arrest")
    assert len(arrests) == 2
    assert sorted(c.count.best for c in arrests) == [1, 50]


def test_one_woman_and_a_group_of_men_are_separate_deaths():
    text = ("During 2022 our monitors logged these deaths. A woman hanged herself in a cell in Tumen in August. "
            "Two men died in a holding centre in Onsong after being returned, one of them in October.")
    deaths = _of(text, "death", date(2023, 2, 1))
    assert sorted(c.count.best for c in deaths) == [1, 2]
