"""Rates in the report tables: percentages with two decimals, exact."""
from fractions import Fraction

import pytest

from app.loyalty.report_tables import percent


@pytest.mark.parametrize("rate, shown", [
    (None, ""), (Fraction(0), "0.00%"), (Fraction(1), "100.00%"), (Fraction(19, 24), "79.17%"),
    (Fraction(1, 8000), "0.01%"), (Fraction(1, 20001), "0.00%"), (Fraction(-60, 119), "-50.42%"),
    (Fraction(-1, 8000), "-0.01%"), (Fraction(-1, 20001), "0.00%"), (Fraction(-3, 2), "-150.00%"),
])
def test_a_rate_reads_as_a_percentage_rounded_to_hundredths_on_either_side_of_zero(rate, shown):
    assert percent(rate) == shown
