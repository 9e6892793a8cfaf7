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


# --- clause-level assembly ------------------------------------------------------

def test_two_arrests_in_one_sentence_each_keep_their_own_date_and_count():
    text = ("Three women were caught in Yanji in January, and a teenager was detained in Tumen in February, "
            "a local source said.")
    got = sorted(_summary(text))
    assert got == [("arrest", date(2024, 1, 1), date(2024, 1, 31), 3, "exact"),
                   ("arrest", date(2024, 2, 1), date(2024, 2, 29), 1, "exact")]


def test_date_belongs_to_the_verb_before_it():
    text = "Four men who were sent back through the Hyesan crossing on 2 February were sentenced in mid-March."
    by_type = {s[0]: s for s in _summary(text)}
    assert by_type["punishment"][1:3] == (date(2024, 3, 11), date(2024, 3, 20))


def test_family_of_n_is_a_head_count_and_its_breakdown_is_not():
    text = "A defector family of six — a couple, their three sons and a grandmother — was arrested in Dalian on 4 March."
    (ev,) = extract(text, PUB)
    assert (ev.type, ev.count.best) == ("arrest", 6)


def test_one_described_person_counts_one():
    (ev,) = extract("A 19-year-old woman travelling alone was caught at a checkpoint in Kunming on 1 March.", PUB)
    assert (ev.count.best, ev.count.qualifier) == (1, "exact")


def test_pronoun_story_links_the_named_person():
    text = ("Kang Mi-ra, 33, had lived in Yanji since 2015. "
            "In January she was moved to the border detention centre in Tumen.")
    evs = extract(text, PUB)
    (tr,) = [e for e in evs if e.type == "transfer"]
    assert [v.name for v in tr.victims] == ["Kang Mi-ra"]
    assert tr.count.best == 1


def test_crossings_in_the_next_paragraph_are_the_route_of_a_return():
    text = ("BEIJING, March 12, 2024 — China sent about 200 North Koreans back on Sunday, a monitoring group said.\n\n"
            "Witnesses said the buses crossed at two points, from Dandong to Sinuiju and from Tumen to Namyang.")
    (ev,) = [e for e in extract(text, PUB) if e.type == "repatriation"]
    assert {"Dandong", "Sinuiju", "Tumen", "Namyang"} <= {p.name for p in ev.places}
    assert "Beijing" not in {p.name for p in ev.places}


def test_participle_held_describes_people_returned_not_a_new_event():
    text = "Some 40 North Koreans held in Chinese detention were forcibly returned in early March, the group said."
    assert [s[0] for s in _summary(text)] == ["repatriation"]


def test_pluperfect_does_not_take_the_frame_date():
    text = ("Two women died in a detention centre in Nanning in February, the group said. "
            "Both had been caught near the Vietnamese border.")
    assert [s[0] for s in _summary(text)] == ["death"]
