"""Several events told in one sentence: each clause keeps its own date.

Invented sentences (names, places and figures are made up) check that

* a verb joined by "and" to a dated verb of another class is dated after it,
  no later than the lag the clause states ("within the month", "later that
  same year", "within weeks", "within ten days");
* "and then"/"and, within weeks," before the next verb still chains;
* a lag phrase far from the verb it would bound is ignored.
"""

from datetime import date

from refwatch.extract.pipeline import extract

PUB = date(2024, 6, 20)


def _of(text: str, etype: str, pub: date = PUB):
    return [c for c in extract(text, pub) if c.type == etype]


def _one(text: str, etype: str, pub: date = PUB):
    found = _of(text, etype, pub)
    assert len(found) == 1, (etype, [(c.type, c.date, c.count) for c in extract(text, pub)])
    return found[0]


def _span(c) -> tuple[date | None, date | None]:
    return c.date.earliest, c.date.latest


def test_within_the_month_keeps_the_return_in_the_arrest_month():
    text = "A seamstress was caught on a bus near Helong in October 2021 and sent back within the month via Sanhe."
    assert _span(_one(text, "repatriation")) == (date(2021, 10, 1), date(2021, 10, 31))


def test_within_the_month_return_does_not_merge_with_a_later_return():
    text = ("A seamstress was caught on a bus near Helong in October 2021 and sent back within the month via Sanhe. "
            "Her cousin was handed back at Manpo on 3 May 2023.")
    assert len(_of(text, "repatriation")) == 2


def test_later_that_same_year_bounds_the_return_to_the_year():
    text = "A fisherman was detained in Hunchun in March 2016 and repatriated later that same year."
    rep = _one(text, "repatriation")
    assert rep.date.earliest >= date(2016, 1, 1) and rep.date.latest == date(2016, 12, 31)


def test_the_same_day_gives_the_first_verbs_date():
    text = "Two brothers were seized at a Dandong hotel on 14 August 2019 and sent back through Sinuiju the same day."
    assert _span(_one(text, "repatriation")) == (date(2019, 8, 14), date(2019, 8, 14))


def test_within_weeks_reaches_into_the_next_month():
    text = "A nurse was arrested in Tumen in May 2015 and sent back through Namyang within weeks."
    assert _span(_one(text, "repatriation")) == (date(2015, 5, 1), date(2015, 6, 30))


def test_within_a_number_of_days():
    text = "A miner was arrested in Yanji on 2 February 2018 and was repatriated within ten days."
    assert _span(_one(text, "repatriation")) == (date(2018, 2, 2), date(2018, 2, 12))


def test_without_a_lag_the_follower_runs_to_publication():
    text = "A miner was arrested in Yanji on 2 February 2018 and repatriated through Tumen."
    assert _span(_one(text, "repatriation")) == (date(2018, 2, 2), PUB)


def test_within_the_week():
    text = "A porter was arrested in Ji'an on 3 June 2023 and sent back through Manpo within the week."
    assert _span(_one(text, "repatriation")) == (date(2023, 6, 3), date(2023, 6, 9))


def test_within_a_month_counts_a_month_on():
    text = "A welder was arrested in Helong on 2 March 2019 and sent back through Namyang within a month."
    assert _span(_one(text, "repatriation")) == (date(2019, 3, 2), date(2019, 4, 30))


def test_a_group_return_within_the_month():
    text = "Four loggers were arrested in Baishan in April 2022 and sent back through Hyesan within the month."
    rep = _one(text, "repatriation")
    assert _span(rep) == (date(2022, 4, 1), date(2022, 4, 30))


def test_three_clauses_three_events():
    text = ("Border police caught a student near Sanhe in August 2019, held her in Longjing for three weeks and "
            "then sent her back through Namyang in September 2019.")
    types = {c.type for c in extract(text, PUB)}
    assert {"arrest", "repatriation"} <= types
    assert _span(_one(text, "repatriation")) == (date(2019, 9, 1), date(2019, 9, 30))


def test_each_clause_keeps_its_own_date_across_a_semicolon():
    text = ("Detained in Dalian in November 2020 and sent back within the month through Dandong; "
            "died in a holding centre in February 2021.")
    assert _span(_one(text, "repatriation")) == (date(2020, 11, 1), date(2020, 11, 30))
    assert _span(_one(text, "death")) == (date(2021, 2, 1), date(2021, 2, 28))


def test_a_lag_phrase_far_from_the_verb_is_ignored():
    text = ("A miner was arrested in Yanji on 2 February 2018 and repatriated through Tumen, according to "
            "relatives who said they had heard nothing within the month of the arrest.")
    assert _one(text, "repatriation").date.latest == PUB


def test_within_weeks_between_commas_after_and():
    text = "A nurse was arrested in Tumen in May 2015 and, within weeks, was sent back through Namyang."
    found = _of(text, "repatriation")
    assert all(c.date.latest <= date(2015, 6, 30) for c in found)


def test_within_the_same_month_wording():
    text = "A tailor was arrested in Yanji in July 2016 and sent back through Tumen within the same month."
    assert _span(_one(text, "repatriation")) == (date(2016, 7, 1), date(2016, 7, 31))


def test_within_days():
    text = "A welder was arrested in Helong on 2 March 2019 and sent back through Namyang within days."
    assert _span(_one(text, "repatriation")) == (date(2019, 3, 2), date(2019, 3, 15))


def test_lag_does_not_touch_a_verb_with_its_own_date():
    text = "A welder was arrested in Helong on 2 March 2019 and sent back through Namyang on 30 April 2019."
    assert _span(_one(text, "repatriation")) == (date(2019, 4, 30), date(2019, 4, 30))
