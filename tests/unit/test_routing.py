"""The pattern that bounds ids in URLs matches exactly the numbers up to its limit."""
import re

import pytest

from app.web.routing import ID_MAX, numbers_up_to


@pytest.mark.parametrize("limit", [0, 1, 9, 10, 100, 105, 2000, 987_654])
def test_the_pattern_matches_exactly_the_numbers_up_to_its_limit(limit):
    pattern = re.compile(numbers_up_to(limit))
    assert [n for n in range(limit * 11 + 20) if pattern.fullmatch(str(n))] == \
        list(range(limit + 1))


@pytest.mark.parametrize("value, matches", [
    ("2147483647", True), ("2147483648", False), ("2147483639", True), ("2200000000", False),
    ("9999999999", False), ("0002147483", True), ("00000000001", False), ("１２", False),
    ("-1", False), ("", False)])
def test_ids_stop_at_the_largest_integer_column_value(value, matches):
    assert bool(re.fullmatch(numbers_up_to(ID_MAX), value)) == matches
