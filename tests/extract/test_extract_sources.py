"""Sources: canonical organisation names and person attributions."""

from refwatch.extract.sentences import split_sentences
from refwatch.extract.sources import canonical_organisation, find_sources, main_source


def _attributed(text: str) -> list[str]:
    return [s.name for s in find_sources(text, split_sentences(text)) if s.attributed]


def test_aliases_map_to_one_name():
    assert canonical_organisation("TJWG") == "Transitional Justice Working Group"
    assert canonical_organisation("hrw") is None or canonical_organisation("HRW") == "Human Rights Watch"
    assert canonical_organisation("Unification Ministry") == "Ministry of Unification"


def test_attribution_phrases():
    assert _attributed("According to NKDB, 40 people were returned.") == \
        ["Database Center for North Korean Human Rights"]
    assert _attributed("Daily NK reported that three women were caught.") == ["Daily NK"]
    assert _attributed("HRW estimates that hundreds remain in custody.") == ["Human Rights Watch"]


def test_person_source():
    assert "Lee Sang-min" in _attributed("According to Lee Sang-min, a broker in Yanji, the group was caught.")


def test_mention_without_attribution_is_not_a_source():
    text = "Amnesty International held an event in London."
    found = find_sources(text, split_sentences(text))
    assert [s.attributed for s in found] == [False]


def test_group_reference_uses_main_source():
    text = "RFA reported the arrests. The group said the families were not told."
    found = find_sources(text, split_sentences(text))
    assert main_source(found) == "Radio Free Asia"
    assert [s.name for s in found if s.kind == "reference"] == ["Radio Free Asia"]


def test_long_names_match_in_any_case_and_with_either_apostrophe():
    text = ("The TRANSITIONAL JUSTICE WORKING GROUP said 40 were returned. "
            "Human Rights Watch reported the arrests.")
    assert _attributed(text) == ["Transitional Justice Working Group", "Human Rights Watch"]


def test_mentions_get_the_sentence_they_stand_in():
    text = "First sentence here. Second one names nobody. HRW said on Monday that 12 were caught."
    (m,) = [s for s in find_sources(text, split_sentences(text)) if s.name == "Human Rights Watch"]
    assert m.sentence == 2 and text[m.start:m.end] == "HRW"
