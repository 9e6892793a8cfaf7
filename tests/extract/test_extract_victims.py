"""Victims: Korean names, surnames, coreference; sources and relatives are not victims."""

from refwatch.extract.sentences import split_sentences
from refwatch.extract.victims import find_victims


def _names(text: str) -> list[str]:
    return [v.name for v in find_victims(text, split_sentences(text))]


def test_romanised_full_names():
    assert _names("Police in Yanji detained Pak Sun-hui on Monday.") == ["Pak Sun-hui"]
    assert _names("Relatives said Ri Kwang Chol was taken away.") == ["Ri Kwang Chol"]


def test_surnamed_forms():
    assert _names("A boy surnamed Hwang and his aunt surnamed Yun were caught.") == ["Hwang", "Yun"]


def test_bare_surname_and_pronoun_refer_back():
    text = "Jo Myong-suk crossed the river in 2015. She settled in Helong. Jo was arrested in May."
    found = find_victims(text, split_sentences(text))
    assert [(v.kind, v.name) for v in found] == [("full", "Jo Myong-suk"), ("pronoun", "Jo Myong-suk"),
                                                  ("coref", "Jo Myong-suk")]


def test_sources_officials_and_relatives_are_not_victims():
    text = ("\"They must be freed,\" said Choi Min-ho of the advocacy group. "
            "Kang Ji-won, a researcher at the institute, confirmed it. "
            "Han Song-i, the mother of the detained teenager, spoke to reporters. "
            "Kim Jong Un did not comment.")
    assert _names(text) == []


def test_identified_only_by_surname():
    assert _names("A man identified only by his surname, Seo, was detained in Dalian.") == ["Seo"]


def test_a_name_after_said_with_an_age_is_a_reported_victim():
    text = "The group said Yun Hye-jin, 31, and her brother were detained in Yanji."
    assert _names(text) == ["Yun Hye-jin"]
    # ... while the speaker of a quote stays out.
    assert _names('"They were sent back," said Yun Hye-jin, a researcher.') == []
