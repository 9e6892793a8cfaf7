"""Denied and non-events: the text says an event did NOT happen, or the event word is not an event.

All sentences are invented for these tests. Covered:

* a negative quantifier as the subject of the event verb ("Nobody was
  detained", "None of the nine women has been sent back", "not one single
  refugee was deported", "No Koreans were caught");
* a contracted negation after an auxiliary ("hasn't been handed back");
* a denial governing the event ("officials denied that any of them had
  been arrested", "denied a report claiming ...") and a rumour refuted
  after it ("stories that ... were detained turned out to be false");
* a law that bars or permits the act ("the treaty bars sending anyone back");
* a document stamp ("Released 4 March 2022", "Updated: 9 June 2023");
* the year a treaty was ratified or came into force is no event date.

And what must stay an event: "no longer held", "denied asylum and
deported", "not repatriated until", "no one knew she had been arrested", a
release that opens its sentence with a date and goes on.
"""

from datetime import date

from refwatch.extract.pipeline import extract
from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers

PUB = date(2024, 6, 20)


def _open(text: str) -> list[str]:
    """Types of the triggers that are not blocked."""
    return [t.type for t in find_triggers(text, split_sentences(text)) if not t.blocked]


def _types(text: str) -> list[str]:
    return [c.type for c in extract(text, PUB)]


# --- negative subjects -----------------------------------------------------------------------------------------

def test_nobody_as_subject_blocks_the_arrest():
    assert "arrest" not in _open("Nobody was arrested at the station in Tumen on 2 April 2023.")


def test_no_one_variants_block_the_return():
    for text in ("No one was sent back to the North after the raid in Yanji.",
                 "No-one has been deported from Shenyang since the talks in May 2022.",
                 "Local officials say no one had been forcibly repatriated that month."):
        assert "repatriation" not in _open(text), text


def test_none_of_a_group_is_no_return():
    assert _types("None of the nine women has been sent back to North Korea, the pastor said.") == []


def test_not_a_single_person_is_a_denial():
    assert _types("Not a single person has been forcibly returned from Laos since March 2019.") == []
    assert _types("Not one refugee was deported from Vientiane in 2019.") == []


def test_no_with_a_noun_phrase_before_the_verb():
    assert "arrest" not in _open("No North Korean defectors were caught in Dandong on 12 May 2021.")


def test_contracted_negation_after_auxiliary():
    assert "repatriation" not in _open("The family says he hasn't been handed back yet.")
    assert "release" not in _open("Her brother wasn't released from the Tumen centre.")


# --- denials and refuted rumours --------------------------------------------------------------------------------

def test_denial_that_governs_the_event():
    assert _types("Officials in Dandong denied that any of the women had been arrested on 3 July 2022.") == []


def test_denial_of_a_report_far_before_the_verb():
    text = ("Police in Mae Sai denied a report on a local news site claiming that eight North Koreans had been "
            "detained near the river on 14 January 2020.")
    assert _types(text) == []


def test_rumour_refuted_after_the_event():
    text = "Stories that the six teenagers were detained in Kunming on 8 June 2022 turned out to be false."
    assert _types(text) == []


def test_no_repatriations_that_week():
    assert _types("There were no repatriations from Hunchun that week in October 2021.") == []


# --- laws, stamps and treaty years ------------------------------------------------------------------------------

def test_law_that_bars_or_permits_the_act_is_no_event():
    assert _types("The 1951 convention bars sending anyone back to a country where they face torture.") == []
    assert _types("Neither accord permits deporting refugees to the North.") == []


def test_stamp_line_is_not_a_release():
    assert _types("Monitoring update\n\nReleased 4 March 2022\n\nThe group counted arrests in Jilin.") == []
    assert "release" not in _types("Updated: 9 June 2023\n\nReleased 9 June 2023\n")


def test_treaty_year_is_not_the_event_date():
    claims = extract("China ratified the convention in 1982 but deported 45 people on 6 May 2021.", PUB)
    rep = [c for c in claims if c.type == "repatriation"]
    assert rep and rep[0].date is not None and rep[0].date.earliest == date(2021, 5, 6)


def test_accession_year_does_not_date_a_later_return():
    text = ("China acceded to the Refugee Convention in 1982 and to the Convention against Torture in 1988; "
            "it deported 30 people in 2021.")
    rep = [c for c in extract(text, PUB) if c.type == "repatriation"]
    assert rep and rep[0].date is not None and rep[0].date.earliest.year == 2021


# --- what must NOT be blocked -----------------------------------------------------------------------------------

def test_no_longer_held_is_not_a_denial_of_detention():
    assert "detention" in _open("By 9 May 2021 she was no longer held in Tumen.")


def test_denied_asylum_then_deported_is_an_event():
    assert "repatriation" in _types("He was denied asylum in Ulaanbaatar and deported on 4 May 2021.")


def test_not_returned_until_a_date_is_an_event():
    assert "repatriation" in _types("She was not repatriated until May 2021, the aid worker said.")


def test_no_one_knew_does_not_block_the_arrest():
    assert "arrest" in _types("No one knew she had been arrested in Yanji on 3 May 2021.")


def test_no_sooner_is_not_a_negative_subject():
    assert "arrest" in _open("No sooner had they crossed than they were arrested in Hyesan.")


def test_release_line_that_goes_on_is_an_event():
    assert "release" in _types("Released on 3 May 2021 after six months in Tumen, she went to Seoul.")


def test_denial_verb_far_back_in_another_clause_does_not_block():
    text = "The ministry denied the reports; in fact 12 people were arrested in Dandong on 5 May 2021."
    assert "arrest" in _types(text)
