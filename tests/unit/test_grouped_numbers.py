"""Points are written with the thousands separator of the member's language, exactly as
Babel's `#,##0` pattern writes them."""
import pytest
from babel import Locale
from babel.numbers import format_decimal

from app.web.dates import numbers
from app.web.i18n import parsed_locale

NUMBERS = [0, 1, -1, 999, 1000, -1000, 12345, 999_999, 1_000_000, -12_345_678, 10**15]


@pytest.mark.parametrize("code", ["zh_CN", "en", "de", "fr_CH", "hi_IN"])
def test_points_are_grouped_as_babel_groups_them_in_every_language(code):
    locale = Locale.parse(code)

    assert [numbers(locale).number(n) for n in NUMBERS] == [
        format_decimal(n, format="#,##0", locale=locale) for n in NUMBERS]


def test_a_language_is_looked_up_once_and_is_the_same_locale_afterwards():
    assert parsed_locale("zh_CN") is parsed_locale("zh_CN")
    assert parsed_locale("zh_CN") == Locale.parse("zh_CN")
