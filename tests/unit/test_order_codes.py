"""An order's code: letters read aloud at a counter without doubt, each drawn evenly from the
system's secure random source."""
from collections import Counter

from app.loyalty import redemption
from app.loyalty.redemption import CODE_ALPHABET, new_code


def test_every_letter_of_the_alphabet_is_named_by_as_many_random_byte_values():
    named = Counter(chr(value) for value in redemption._LETTER_OF_BYTE)
    assert set(named) == set(CODE_ALPHABET)
    assert set(named.values()) == {256 // len(CODE_ALPHABET)}


def test_a_code_has_the_asked_length_in_letters_of_the_alphabet_only():
    for length in (1, 10, 12, 64):
        code = new_code(length)
        assert len(code) == length and set(code) <= set(CODE_ALPHABET)


def test_a_code_comes_from_the_secure_random_source(monkeypatch):
    monkeypatch.setattr(redemption.secrets, "token_bytes", lambda n: bytes(range(n)))
    assert new_code(4) == CODE_ALPHABET[:4]


def test_codes_differ_and_use_every_letter():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert set("".join(codes)) == set(CODE_ALPHABET)
