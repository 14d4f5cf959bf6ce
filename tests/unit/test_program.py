"""What points are worth, and what a wallet says about them."""
from datetime import date, datetime, timezone

import pytest

from app.loyalty.program import Program
from app.loyalty.reads import ExpiringPoints, Wallet


@pytest.mark.parametrize("points_per_yuan, points, fen", [
    (100, 12_086, 12_086), (100, 99, 99), (10, 25, 250), (1, 3, 300), (100, 0, 0),
])
def test_points_are_worth_their_stated_value_in_fen_rounded_down(points_per_yuan, points, fen):
    assert Program(points_per_yuan=points_per_yuan).worth_fen(points) == fen


def test_a_wallets_next_expiry_is_its_soonest():
    at = datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
    wallet = Wallet(1000, [ExpiringPoints(300, at, date(2026, 11, 30)),
                           ExpiringPoints(200, at, date(2026, 12, 31))])
    assert wallet.next_expiring.points == 300


def test_an_empty_wallet_has_nothing_expiring_next():
    assert Wallet(0, []).next_expiring is None
