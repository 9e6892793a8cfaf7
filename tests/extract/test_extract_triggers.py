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
