"""The program's one definition of a phone number: a mainland mobile, in ASCII digits."""
import pytest

from app.loyalty.phones import InvalidPhone, is_mobile, require_mobile


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "15000000000"])
def test_mainland_mobile_numbers_are_phones(phone):
    assert is_mobile(phone) and require_mobile(phone) == phone


@pytest.mark.parametrize("phone", [
    "13８00138000", "１３８００１３８０００", "١٣٨٠٠١٣٨٠٠٠", "۱۳۸۰۰۱۳۸۰۰۰", "१३८००१३८०००",
    "13800138000\n", " 13800138000", "+8613800138000", "12800138000", "1380013800",
    "138001380000", "", None, 13800138000, "1380013800a"],
    ids=["one-full-width", "all-full-width", "arabic-indic", "persian", "devanagari",
         "line-break", "space", "country-code", "not-mobile", "ten-digits", "twelve-digits",
         "empty", "none", "int", "letter"])
def test_anything_else_is_not_a_phone(phone):
    assert not is_mobile(phone)
    with pytest.raises(InvalidPhone):
        require_mobile(phone)
