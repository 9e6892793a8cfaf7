"""Event assembly: joining what belongs together, keeping apart what is separate."""

from datetime import date

from refwatch.extract.pipeline import extract

PUB = date(2024, 3, 20)


def _summary(text: str, pub: date | None = PUB):
    return [(c.type, c.date.earliest, c.date.latest, c.count.best if c.count else None,
             c.count.qualifier if c.count else None) for c in extract(text, pub)]


def test_headline_and_body_merge_and_body_figure_wins():
    text = ("300 North Koreans sent back from China, group says\n\n"
            "As many as 300 North Koreans were sent back to North Korea on February 2, the group said. "
            "The deported people were taken across the bridge at Dandong.")
    (ev,) = extract(text, PUB)
    assert ev.type == "repatriation"
    assert (ev.date.earliest, ev.date.latest) == (date(2024, 2, 2), date(2024, 2, 2))
    assert (ev.count.best, ev.count.qualifier) == (300, "up_to")
    assert "Dandong" in [p.name for p in ev.places]


def test_monthly_figures_stay_separate():
    text = "Smaller groups were forcibly returned in May (with 30 people), June (with 25 people), and April (with about 20 people)."
    got = sorted(_summary(text))
    assert [(g[1].month, g[3]) for g in got] == [(4, 20), (5, 30), (6, 25)]


def test_background_case_is_kept_apart():
    text = ("Police in Yanji detained eleven escapees on March 3. "
            "In 2016, a similar group of four was detained in Tumen.")
    got = _summary(text)
    assert sorted((g[1].year, g[3]) for g in got) == [(2016, 4), (2024, 11)]


def test_count_and_date_in_neighbouring_sentences_belong_together():
    text = "Sixteen defectors were forced back across the river. Three weeks ago, trucks left the Tumen jail at night."
    (ev,) = extract(text, PUB)
    assert ev.count.best == 16 and ev.date.earliest is not None


def test_currently_held_is_dated_to_publication():
    (ev,) = extract("An estimated 450 North Koreans are currently held in Chinese jails.", PUB)
    assert ev.type == "detention" and ev.date.earliest == ev.date.latest == PUB
    assert (ev.count.best, ev.count.qualifier) == (450, "about")


def test_aggregate_prefers_persons_over_cases():
    text = ("Monitors say more escapees were detained last year. "
            "Between January and December 2023 the monitors logged 30 separate cases, a total of at least 75 persons.")
    evs = [e for e in extract(text, PUB) if e.aggregate]
    assert evs and (evs[0].count.best, evs[0].count.qualifier, evs[0].count.unit) == (75, "at_least", "persons")


def test_enumerated_people_are_summed_and_named_victims_counted():
    (ev,) = extract("In June 2020 the farmer, his wife and his two sons were arrested near Hyesan.", PUB)
    assert ev.count.best == 4
    (one,) = extract("Pak Sun-hui was arrested in Shenyang in January.", PUB)
    assert [v.name for v in one.victims] == ["Pak Sun-hui"] and one.count.best == 1


def test_share_of_women():
    (ev,) = extract("Some 200 escapees were deported on January 5, and over 80 per cent of them were women.", PUB)
    assert ev.share_women == 0.8


def test_advocacy_gives_no_event():
    assert extract("Rights groups urged China not to repatriate the 50 people held in Tumen.", PUB) == []
