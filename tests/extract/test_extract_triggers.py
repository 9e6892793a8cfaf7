"""Triggers: what counts as an event word, and what blocks it."""

from refwatch.extract.sentences import split_sentences
from refwatch.extract.triggers import find_triggers


def _triggers(text: str):
    return find_triggers(text, split_sentences(text))


def test_past_tense_repatriation_is_found():
    (t,) = _triggers("Police sent the nine women back to North Korea last week.")
    assert (t.type, t.blocked) == ("repatriation", False)


def test_hypothetical_and_advocacy_are_blocked():
    for text in ("The group urged Beijing not to send them back.",
                 "Those held in Yanji could be deported at any moment.",
                 "Activists called on China to halt the deportation of the families."):
        assert all(t.blocked for t in _triggers(text)), text


def test_generic_statements_are_blocked():
    (t,) = [x for x in _triggers("Escapees are often repatriated within weeks.")]
    assert t.blocked and t.reason == "generic"


def test_present_tense_counts_only_in_headlines():
    head = "China Deports Forty Escapees From Tumen\n\nBody text follows here."
    assert [t.type for t in _triggers(head)] == ["repatriation"]
    body = "China deports escapees under a bilateral protocol."
    assert _triggers(body) == []


def test_transport_to_the_border_is_a_repatriation():
    (t,) = _triggers("On Friday the detainees were transported to a border crossing near Namyang.")
    assert t.type == "repatriation"
    (u,) = _triggers("The men were transferred to a prison in Harbin.")
    assert u.type == "transfer"


def test_present_detention_is_a_state():
    (t,) = _triggers("About 200 people are currently being held in Tumen.")
    assert t.type == "detention" and t.state


def _unblocked(text: str) -> list[str]:
    return [t.type for t in _triggers(text) if not t.blocked]


def test_passive_returned_and_took_her_own_life():
    assert _unblocked("About 20 people were returned through the bridge last week.") == ["repatriation"]
    assert _unblocked("The prisoner took her own life in the camp in May.") == ["death"]


def test_relative_clause_with_its_own_date_is_an_event():
    assert _unblocked("Nine women who were repatriated in June were later sentenced.") == ["repatriation", "punishment"]
    assert _unblocked("Women who were repatriated are often sentenced.") == []


def test_after_clause_behind_another_event_is_a_circumstance():
    types = _unblocked("Laos handed four people over to Chinese police after they were caught near the border.")
    assert types == ["transfer"]
    # ... but not behind a disappearance: the return is what the vanishing is told from.
    assert _unblocked("Dozens have vanished after being repatriated in April.") == ["disappearance", "repatriation"]


def test_hedged_belief_is_blocked():
    assert _unblocked("The boy is believed to be held in a police station.") == []


def test_police_took_him_is_an_arrest():
    assert _unblocked("Officers came to the flat at dawn and took him away.") == ["arrest"]


def test_contact_lost_phrases_are_disappearances():
    assert _unblocked("Last spring she stopped answering her phone.") == ["disappearance"]
    assert _unblocked("The two men remain unaccounted for.") == ["disappearance"]


# --- round 2: new forms, log entries, and the anchor pre-pass ---------------------

def test_stopped_by_police_and_noun_arrests():
    assert _unblocked("The five were stopped by border police near Ruili.") == ["arrest"]
    assert _unblocked("The NGO counted 40 instances of arrest last year.") == ["arrest"]
    assert _unblocked("Her arrest came a week after the raid.") == ["arrest"]
    # ... but a fear of arrest is not one.
    assert _unblocked("She lived in fear of arrest for years.") == []


def test_holding_flights_and_handovers_at_the_border():
    (t,) = _triggers("Officials in Jilin are holding some 60 escapees.")
    assert (t.type, t.state) == ("detention", True)
    assert _unblocked("The six were flown to Pyongyang last week.") == ["repatriation"]
    assert _unblocked("The group was put on a flight from Shenyang to Pyongyang.") == ["repatriation"]
    assert _unblocked("Two teenagers were handed over at the Namyang crossing.") == ["repatriation"]
    assert _unblocked("Police sent 30 to 40 North Korean women back on Friday.") == ["repatriation"]


def test_deported_to_china_is_a_transfer():
    assert _unblocked("Vietnamese police deported them to China in March.") == ["transfer"]
    assert _unblocked("China deported them in March.") == ["repatriation"]


def test_cannot_yet_and_habitual_quotes_are_blocked():
    assert _unblocked("With the border shut, they cannot yet be sent back.") == []
    assert _unblocked("Each time it is the same: they are moved to the border at night.") == []


def test_if_at_the_start_of_a_later_sentence_is_generic():
    text = "The report came out on Monday. If caught, escapees are sent back."
    assert _unblocked(text) == []


def test_log_entry_labels_name_the_event():
    from refwatch.extract.dates import find_dates

    text = "Log\n\n2024-02-01 — Arrest. Dalian.\n\n2024-02-03 — Disappearance. Yanji."
    sents = split_sentences(text)
    found = find_triggers(text, sents, [], find_dates(text, None))
    assert [(t.text, t.type) for t in found] == [("Arrest", "arrest"), ("Disappearance", "disappearance")]
    # The word alone, outside a heading, is not a trigger.
    assert _triggers("Arrest is a constant fear.") == []


def _full_scan(text: str):
    """Reference: the whole pattern over the whole text, as before the anchor pre-pass."""
    import bisect

    from refwatch.extract.triggers import lexicon, lower_text

    lex, low = lexicon(), lower_text(text)
    sents = split_sentences(text)
    starts = [s.start for s in sents]
    out = []
    for m in lex.pattern.finditer(low):
        sent = sents[bisect.bisect_right(starts, m.start()) - 1]
        if sent.skip or m.start() >= sent.end:
            continue
        if m.end() > sent.end:
            m = lex.pattern.search(low, m.start(), sent.end)
            if m is None:
                continue
        out.append((m.start(), m.end()))
    return out


def test_anchor_prepass_finds_what_a_full_scan_finds():
    from refwatch.extract.triggers import _scan, lexicon, lower_text

    text = ("Police in Tumen rounded up eleven women. Officers came at night and dragged him away. "
            "She has not been heard from since. Guards said nothing; the men were taken away from their hideout. "
            "NO ONE KNOWS WHERE THEY ARE. The family had heard nothing. Four were forcibly returned via the bridge. "
            "He killed himself in custody; his whereabouts before that remain unknown. They made their way across "
            "the river and reached Seoul. The courts SENTENCED them. Two died, one was shot.")
    sents = split_sentences(text)
    got = [(s, e) for s, e, _, _ in _scan(lower_text(text), sents, [x.start for x in sents], lexicon())]
    assert got == _full_scan(text) and len(got) >= 12


def test_lower_text_keeps_offsets():
    from refwatch.extract.triggers import lower_text

    text = "İstanbul: DEPORTED"
    assert len(lower_text(text)) == len(text) and lower_text(text).endswith("deported")


def test_literal_trie_matches_the_same_words_as_a_flat_alternation():
    import re

    from refwatch.extract.triggers import literal_trie

    words = ["arrest", "arrived", "agents", "held", "help", "he"]
    trie = re.compile(r"\b(?:" + literal_trie(words, longest=True) + r")\b")
    flat = re.compile(r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b")
    sample = "he held agents who arrived to help arrest herself; helped arrests"
    assert trie.findall(sample) == flat.findall(sample)


def test_the_month_may_is_not_the_modal_may():
    assert _unblocked("Two women were caught in Tumen in May, and a man was detained in Hunchun in June.") == \
        ["arrest", "arrest"]
    assert _unblocked("Since May 3 the group has been detained in Yanji.") == ["arrest"]
    assert _unblocked("The women may be deported soon.") == []


def test_quantified_generics_and_indirect_questions_are_blocked():
    assert _unblocked("Many of those who arrive in Seoul have been caught at least once before.") == []
    assert _unblocked("The ministry will not say how many North Koreans are held in China.") == []
    assert _unblocked("She was held in Tumen until the night of the deportation.") == ["detention"]
    assert _unblocked("The principle of non-refoulement binds China.") == []


def test_every_trigger_pattern_holds_an_anchor_word():
    """The pre-pass only looks near anchors: a pattern without one would never be found."""
    import re

    from refwatch.extract.triggers import top_level_alternatives
    from refwatch.model.vocab import load

    lex = load("triggers")
    sources = [p for ps in lex["types"].values() for p in ps]
    sources += [p for ps in lex["headline_types"].values() for p in ps] + list(lex["place_checked"].values())
    anchor = re.compile("|".join(re.escape(a) for a in lex["anchors"]))
    missing = [alt for src in sources for alt in top_level_alternatives(src) if not anchor.search(alt)]
    assert missing == []


def test_anchor_reach_is_zero_only_for_words_that_open_their_patterns():
    from refwatch.extract.triggers import lexicon

    reach = lexicon().reach_before
    assert reach["caught"] == 0 and reach["police"] == 0  # "caught", "(?:police|officers|...) ... took"
    assert reach["held"] > 0 and reach["custody"] > 0  # "(are|is|...) held", "in (police )?custody"
    assert _unblocked("The two remain held in Tumen.") == ["detention"]
    assert _unblocked("Both are now in police custody in Yanji.") == ["detention"]


# --- common phrasings of the genre (sentences written for these tests) -----------------------------

def _unblocked_types(text: str) -> list[str]:
    return [t.type for t in _triggers(text) if not t.blocked]


def test_sent_home_and_handed_to_the_north_are_repatriations():
    for text in ("The couple was sent home to North Korea late last month.",
                 "The men were handed to North Korean guards at the Dandong bridge.",
                 "They were turned over to the North Korean Ministry of State Security.",
                 "Around 40 people were expelled to the DPRK in April.",
                 "The pair was returned to the DPRK through Namyang."):
        assert _unblocked_types(text) == ["repatriation"], text


def test_custody_phrasings_are_arrests():
    for text in ("Roughly 30 North Koreans were taken into custody in Dandong.",
                 "Her husband was taken into police custody by security agents in February.",
                 "My mother was taken by the police in 2010.",
                 "Chinese police raided a house in Shenyang and took away eight North Koreans.",
                 "Eleven North Koreans were intercepted by border guards near Changbai.",
                 "Three women were picked up by local public security officers in Yanji."):
        assert _unblocked_types(text)[:1] == ["arrest"], text


def test_died_in_custody_is_one_death_not_a_detention():
    assert _unblocked_types("Her father died in custody in Shenyang in March 2022.") == ["death"]
    assert _unblocked_types("He was tortured to death in a holding centre.") == ["death"]


def test_never_seen_again_is_a_disappearance():
    assert "disappearance" in _unblocked_types("She was taken by the police and I never saw her again.")


def test_habitual_statements_are_generic():
    (t,) = _triggers("Detainees there are normally handed to North Korea's security ministry at Sinuiju.")
    assert t.blocked and t.reason == "generic"
    assert all(t.blocked for t in _triggers("As a rule, those caught are sent back within weeks."))


def test_taken_in_vehicles_to_the_border_is_a_return_but_taken_to_a_hospital_is_not():
    assert _unblocked("Dozens were taken aboard three sealed prison vans to the border crossing at Quanhe.") \
        == ["repatriation"]
    assert _unblocked("The injured were taken in two ambulances and a car to a hospital in Yanji.") == ["transfer"]
