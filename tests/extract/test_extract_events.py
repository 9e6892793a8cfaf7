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


# --- round 2 rules ------------------------------------------------------------

def _one(text: str, pub: date | None = PUB):
    return [(c.type, c.date.earliest, c.date.latest, c.count.best if c.count else None,
             [p.name for p in c.places]) for c in extract(text, pub)]


def test_a_birth_year_never_dates_an_event():
    got = _one("Ri Song-mi, born in 1975 in Musan, fled the country in 2009.")
    assert [(g[0], g[1].year) for g in got] == [("escape", 2009)]


def test_log_entry_heading_dates_and_types_its_lines():
    text = ("2024-01-22 — Arrest.\nYanji, Jilin. Two women taken from a rented room near the market.\n\n"
            "2024-02-05 — Repatriation.\nTumen to Namyang. Reported figure: 30–40 persons.")
    got = extract(text, PUB)
    arrest = next(c for c in got if c.type == "arrest")
    assert (arrest.date.earliest, arrest.count.best) == (date(2024, 1, 22), 2)
    assert "Yanji" in [p.name for p in arrest.places]
    ret = next(c for c in got if c.type == "repatriation")
    assert ret.date.earliest == date(2024, 2, 5)
    assert (ret.count.low, ret.count.high) == (30, 40)


def test_a_dateline_with_a_dash_is_not_an_entry_heading():
    text = ("Defectors reach Laos\n\n4 March 2024 — A North Korean couple reached Laos safely last week. "
            "The couple are now in the care of a church shelter.")
    assert all(c.date.earliest != date(2024, 3, 4) for c in extract(text, PUB))


def test_up_from_figure_is_its_own_yearly_event():
    got = _one("Some 240 North Korean defectors arrived in South Korea in 2021, up from 180 in 2020, officials said.")
    assert sorted((g[1].year, g[3]) for g in got if g[0] == "release") == [(2020, 180), (2021, 240)]


def test_a_comparison_date_does_not_date_the_event():
    got = _one("In January and February alone, at least 30 North Koreans were arrested, "
               "well above the previous six months.")
    (ev,) = got
    assert (ev[1], ev[2], ev[3]) == (date(2024, 1, 1), date(2024, 2, 29), 30)


def test_hundreds_more_elsewhere_is_a_second_group():
    got = _one("Police are holding about 150 North Koreans in Tumen, and hundreds more in Dandong, the group said.")
    held = sorted((g[3] or 0, g[4]) for g in got if g[0] == "detention")
    assert held == [(0, ["Dandong"]), (150, ["Tumen"])]


def test_ages_and_names_in_a_list_of_people():
    (ev,) = extract("Activists said Han Mi-ok, 52, and her son, 17, were detained in Yanji in January.", PUB)
    assert ev.count.best == 2
    (ev,) = extract("The girl, Jang Su-bin, 15, and a second teenage girl were detained in Tumen in January.", PUB)
    assert ev.count.best == 2


def test_a_total_with_its_breakdown_is_not_summed():
    (ev,) = extract("The eleven, six women and five men, were detained in Yanji in January.", PUB)
    assert ev.count.best == 11


def test_members_named_after_among_them_are_not_added():
    (ev,) = extract("Nine escapees, among them a 6-year-old boy, were caught in Kunming in January.", PUB)
    assert ev.count.best == 9


def test_they_and_the_family_count_the_group_named_before():
    text = ("A family of four was caught in Shenyang on January 9. "
            "The family were later transferred to the detention centre in Dandong.")
    got = _one(text)
    assert [g[3] for g in got] == [4, 4]
    text = "Six escapees were arrested in Vientiane on January 9. Police later deported them to China."
    transfer = next(g for g in _one(text) if g[0] == "transfer")
    assert transfer[3] == 6 and "China" in transfer[4]


def test_a_number_of_them_counts_the_subset():
    text = "Police arrested eleven people in a raid on January 4. Three of them were sent back on January 20."
    ret = next(g for g in _one(text) if g[0] == "repatriation")
    assert ret[3] == 3


def test_a_possessive_whereabouts_is_one_person():
    text = "Ko Eun-ha was arrested in Dalian in January. Her whereabouts since February are unknown."
    dis = next(c for c in extract(text, PUB) if c.type == "disappearance")
    assert dis.count.best == 1


def test_a_count_across_a_semicolon_is_not_the_events():
    text = ("Family of three reaches Bangkok; boy caught in Kunming\n\n"
            "A 16-year-old boy was caught in Kunming on January 3.")
    arrest = next(c for c in extract(text, PUB) if c.type == "arrest")
    assert arrest.count.best == 1


def test_the_city_and_that_facility_point_back_to_the_place_named_before():
    text = ("A North Korean woman who went missing in Yanji in January has been found. "
            "She and a friend were detained by police at a bus station in the city on January 20.")
    arrest = next(c for c in extract(text, PUB) if c.type == "arrest")
    assert "Yanji" in [p.name for p in arrest.places]


def test_the_place_of_arrest_comes_from_the_persons_story():
    text = ("My aunt, a woman surnamed Yun, left Hoeryong in 2015.\n\n"
            "A broker sold her to a man in a village near Mudanjiang.\n\n"
            "Last January police came to the farm and took her.")
    arrest = next(c for c in extract(text, PUB) if c.type == "arrest")
    assert "Mudanjiang" in [p.name for p in arrest.places]


def test_a_dateline_date_yields_to_the_events_own_day():
    text = "SEOUL, Feb. 14 (Yonhap) — China sent as many as 80 escapees back across the border on Monday."
    (ev,) = extract(text, PUB)
    assert ev.date.earliest == date(2024, 3, 18)


def test_a_return_inside_a_report_takes_the_reports_date():
    text = ("In February, RFA reported that a former soldier was among a group of escapees arrested in Yanji "
            "a month earlier and then repatriated.")
    ret = next(c for c in extract(text, PUB) if c.type == "repatriation")
    assert ret.date.earliest is not None and ret.date.earliest.month == 2


def test_a_tally_of_cases_does_not_absorb_a_named_persons_story():
    text = ("Between 2021 and 2023, the group documented 12 cases of arrest of North Korean women in Jilin.\n\n"
            "Pak Yu-na was arrested in Yanji in May 2023.")
    got = [(c.type, c.count.best if c.count else None) for c in extract(text, PUB)]
    assert got.count(("arrest", 12)) == 1 and ("arrest", 1) in got


def test_died_in_custody_takes_the_date_of_its_sentence():
    (c,) = extract("Her father died in custody in Shenyang in March 2022.", PUB)
    assert c.type == "death"
    assert (c.date.earliest, c.date.latest) == (date(2022, 3, 1), date(2022, 3, 31))


def test_sent_home_and_taken_into_custody_are_events_with_their_figures():
    text = ("Roughly 30 North Koreans were taken into custody in Dandong in early May. "
            "Around 40 others were sent home to North Korea in late April.")
    got = {c.type: c.count.best for c in extract(text, PUB)}
    assert got == {"arrest": 30, "repatriation": 40}


def test_relative_shift_counts_from_the_last_event_not_a_residence_date():
    text = ("In March 2020, police arrested 40 defectors in Shenyang. "
            "Her sister, who settled in Seoul in 2015, spoke to us. "
            "One week later China sent back about 600 North Koreans.")
    rep = next(e for e in extract(text, PUB) if e.type == "repatriation")
    assert rep.date.earliest.year == 2020 and rep.date.earliest.month == 3
    assert rep.date.latest.year == 2020 and rep.date.latest.month == 4


def test_undated_coordinated_return_is_dated_from_the_arrest_onward():
    evs = {e.type: e for e in extract("My cousin was arrested in 2017 and sent back.", PUB)}
    assert set(evs) == {"arrest", "repatriation"}
    assert (evs["repatriation"].date.earliest, evs["repatriation"].date.latest) == (date(2017, 1, 1), PUB)
    evs = {e.type: e for e in extract("Her uncle was detained in June 2016 and then repatriated.", PUB)}
    assert (evs["repatriation"].date.earliest, evs["repatriation"].date.latest) == (date(2016, 6, 1),
                                                                                     date(2016, 6, 30))


def test_present_detention_date_does_not_leak_onto_the_arrest():
    text = "Seven men were rounded up at a prayer meeting in Helong and are now being held in Yanji."
    evs = {e.type: e for e in extract(text, PUB)}
    assert evs["detention"].date.earliest == evs["detention"].date.latest == PUB
    assert [p.name for p in evs["detention"].places] == ["Yanji"]
    assert evs["arrest"].date.earliest is None and [p.name for p in evs["arrest"].places] == ["Helong"]
    (only,) = extract("They were seized by police at a farm in Helong and are now being held in Yanji.", PUB)
    assert only.type == "detention" and only.date.earliest == PUB


def test_whereabouts_unknown_since_arrest_gives_a_disappearance_too():
    evs = {e.type: e for e in extract("Her whereabouts have remained unknown since her arrest in October 2023.", PUB)}
    assert (evs["arrest"].date.earliest, evs["arrest"].date.latest) == (date(2023, 10, 1), date(2023, 10, 31))
    assert (evs["disappearance"].date.earliest, evs["disappearance"].date.latest) == (date(2023, 10, 1), PUB)


def test_a_chain_of_verbs_shares_its_opening_date_and_keeps_clause_places():
    text = ("The family crossed into China in 2009. In early April 2014, six women were detained in Vietnam, "
            "handed to North Korean agents and flown to Pyongyang.\n\nA pastor spoke later.\n\n"
            "In July 2015 a broker was questioned.")
    evs = {e.type: e for e in extract(text, PUB)}
    for kind in ("arrest", "repatriation"):
        assert (evs[kind].date.earliest, evs[kind].date.latest) == (date(2014, 4, 1), date(2014, 4, 10))
    assert [p.name for p in evs["arrest"].places] == ["Vietnam"]
    assert "Pyongyang" in [p.name for p in evs["repatriation"].places]


def test_vehicle_transport_to_border_crossings_is_a_return_with_the_listed_crossings():
    text = ("In September 2023, roughly 300 North Koreans were taken on trucks and police buses to four border "
            "crossings:\n\nDandong to Sinuiju, Tumen to Namyang and Hunchun to Wonjong.")
    (ev,) = extract(text, PUB)
    assert ev.type == "repatriation" and ev.count.best == 300
    assert {"Dandong", "Sinuiju", "Namyang", "Wonjong"} <= {p.name for p in ev.places}
