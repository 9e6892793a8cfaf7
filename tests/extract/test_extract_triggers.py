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
