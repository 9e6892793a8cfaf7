from __future__ import annotations

import pytest

from refwatch.security.crypto import DecryptionError, new_key
from refwatch.security.fields import (decrypt_field, encrypt_field, exact_index, name_index,
                                      normalise_name)

KEY = new_key()


def test_round_trip_and_no_plaintext_in_the_ciphertext():
    sealed = encrypt_field(KEY, "person_names.name", "Kim Cheol Ok 김철옥")
    assert b"Kim" not in sealed and "김철옥".encode() not in sealed
    assert decrypt_field(KEY, "person_names.name", sealed) == "Kim Cheol Ok 김철옥"
    assert encrypt_field(KEY, "c", None) is None and decrypt_field(KEY, "c", None) is None


def test_same_value_encrypts_differently_each_time():
    assert encrypt_field(KEY, "c", "Choi") != encrypt_field(KEY, "c", "Choi")


def test_a_ciphertext_moved_to_another_column_or_key_does_not_open():
    sealed = encrypt_field(KEY, "person_names.name", "Kang")
    with pytest.raises(DecryptionError) as info:
        decrypt_field(KEY, "contacts.phone", sealed)
    assert "Kang" not in str(info.value)
    with pytest.raises(DecryptionError):
        decrypt_field(new_key(), "person_names.name", sealed)
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(DecryptionError):
        decrypt_field(KEY, "person_names.name", bytes(tampered))


@pytest.mark.parametrize("variant", ["Kim Cheol Ok", "KIM CHEOL OK", "kim  cheol-ok", "Kim Cheol–Ok",
                                     " Kim\tCheol Ok ", "Ｋｉｍ Cheol Ok"])
def test_normalised_look_up_finds_spelling_variants(variant):
    assert name_index(KEY, variant) == name_index(KEY, "Kim Cheol Ok")
    assert normalise_name(variant) == "kim cheol ok"


def test_indexes_are_keyed_and_distinguish_names():
    assert name_index(KEY, "Choi") != name_index(KEY, "Kang")
    assert name_index(KEY, "Choi") != name_index(new_key(), "Choi")
    assert exact_index(KEY, "a", "Choi") != exact_index(KEY, "a", "choi")
    assert exact_index(KEY, "a", "Choi") != exact_index(KEY, "b", "Choi")
    assert "choi" not in name_index(KEY, "Choi")
