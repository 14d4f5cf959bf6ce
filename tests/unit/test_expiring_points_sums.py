"""What lots add to or take from the expiring points, summed by moment before any statement."""
from app.loyalty.expiring_points import by_moment
from tests.conftest import utc

MARCH, MAY = utc(2027, 3, 31, 16, 0), utc(2027, 5, 31, 16, 0)


def test_lots_expiring_at_one_moment_are_summed_into_one_row_of_it():
    assert by_moment([(MARCH, 300), (MAY, 100), (MARCH, 200)]) == {MARCH: 500, MAY: 100}


def test_lots_that_never_expire_and_moments_that_sum_to_nothing_write_no_row():
    assert by_moment([(None, 300), (MARCH, 0), (MAY, 5), (MAY, -5)]) == {}
    assert by_moment([]) == {}
