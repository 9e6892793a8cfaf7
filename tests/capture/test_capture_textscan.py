"""textscan.may_hold: a fast negative answer that is never wrong."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.capture.language import detect_language
from refwatch.store.documents import has_cjk
from refwatch.textscan import may_hold


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=60), st.integers(0x800, 0xFFFF), st.integers(0, 0x3000))
def test_a_no_is_always_right(text: str, low: int, width: int) -> None:
    high = min(0xFFFF, low + width)
    if not may_hold(text, low, high):
        assert not any(low <= ord(c) <= high for c in text)


@pytest.mark.parametrize("text, expected", [
    ("plain ASCII report", False),
    ("“Curly quotes” – dashes… and café", False),  # typical English punctuation: settled without the regex
    ("Police in 혜산 (Hyesan)", True),
    ("沈阳 police", True),
    ("\U0001F600 an emoji is four bytes in UTF-8", False),
])
def test_the_cjk_block_of_the_trigram_index(text: str, expected: bool) -> None:
    assert may_hold(text, 0x3131, 0xD7A3) is expected


def test_a_block_outside_three_byte_utf8_is_refused() -> None:
    with pytest.raises(ValueError):
        may_hold("text", 0x41, 0x5A)


def test_the_callers_still_decide_exactly() -> None:
    # U+3000 (ideographic space) shares its lead byte with Hangul compatibility jamo: a false alarm that
    # the exact test behind it settles.
    assert may_hold("a\u3000b", 0x3131, 0xD7A3) and not has_cjk("a\u3000b")
    assert has_cjk("“Arrests” in 혜산") and not has_cjk("“Arrests” in Hyesan – again")
    english = ("“They were taken back across the river,” said a relative of one of the women, who asked "
               "that her name not be used because she fears for the family that is still in the north.")
    assert detect_language(english) == "en"
    assert detect_language("중국 공안이 지난달 혜산 인근에서 탈북민 다섯 명을 체포해 북송했다고 한 소식통이 전했다.") == "ko"
