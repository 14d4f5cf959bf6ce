"""The tests' clock: MALL_TEST_NOW picks the instant every test runs at, and it stands still."""
import time
from datetime import date, datetime, timezone

from app.loyalty.models import utcnow
from tests.conftest import chosen_now


def test_mall_test_now_without_an_offset_is_shanghai_time(monkeypatch):
    monkeypatch.setenv("MALL_TEST_NOW", "2028-02-29T23:59:30")

    assert chosen_now() == datetime(2028, 2, 29, 15, 59, 30, tzinfo=timezone.utc)


def test_mall_test_now_with_an_offset_keeps_it(monkeypatch):
    monkeypatch.setenv("MALL_TEST_NOW", "2027-12-31 23:59:59+00:00")

    assert chosen_now() == datetime(2027, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def test_without_mall_test_now_the_tests_start_at_the_real_moment(monkeypatch):
    monkeypatch.delenv("MALL_TEST_NOW", raising=False)

    assert chosen_now() is None


def test_the_app_and_the_test_read_one_clock_that_stands_still(clock):
    first = utcnow()
    time.sleep(0.01)

    assert utcnow() == first == datetime.now(timezone.utc)
    assert date.today() == datetime.now().date()
    assert time.time() == first.timestamp()
