"""Cash: every capture recorded once with the provider's reference, every refund written
with what caused it and sent to the provider after commit, exactly once per refund id."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from app import jobs
from app.extensions import db
from app.loyalty import cash, redemption
from app.loyalty.errors import NotFound, PaymentRejected
from app.loyalty.models import (
    CANCELLED,
    CAPTURED,
    CONFIRMED,
    LAPSED,
    REFUNDED,
    REQUESTED,
    CashMovement,
    utcnow,
)
from app.loyalty.payments import RefundFailed
from tests.conftest import utc
from tests.integration.route_support import new_key, order_by_code, snapshot

NOW = utc(2026, 6, 1, 4, 0)
MINUTE = timedelta(minutes=1)


class Provider:
    """A provider whose refunds fail the first `failures` times, counting every call."""

    name = "sandbox"

    def __init__(self, failures: int = 0):
        self.failures, self.calls = failures, []

    def refund(self, order_code: str, amount_fen: int, refund_id: str) -> str:
        self.calls.append((order_code, amount_fen, refund_id))
        if len(self.calls) <= self.failures:
            raise RefundFailed("provider unavailable")
        return f"R-{refund_id}"


@pytest.fixture
def unpaid(member, make_item):
    """An order for 500 points + ¥9.90 awaiting payment."""
    item = make_item(points_price=500, cash_fen=990, stock=5)
    return redemption.redeem(member.id, item.id, new_key(), now=NOW)


def movements(order_id: int | None = None) -> list[tuple]:
    db.session.rollback()
    query = select(CashMovement).order_by(CashMovement.id)
    if order_id is not None:
        query = query.where(CashMovement.order_id == order_id)
    return [(m.kind, m.amount_fen, m.status, m.reference)
            for m in db.session.scalars(query.execution_options(populate_existing=True))]


def refund_row(order_id: int) -> CashMovement:
    db.session.rollback()
    return db.session.scalars(select(CashMovement).where(
        CashMovement.order_id == order_id, CashMovement.kind == "refund")
        .execution_options(populate_existing=True)).one()


def pay(order, now=NOW + MINUTE, reference="TX-1", amount=990):
    return redemption.settle_payment(order.code, True, amount, now=now, reference=reference)


# Captures

def test_an_approved_payment_is_recorded_once_however_often_it_is_notified(unpaid):
    for n in range(3):
        paid = pay(unpaid, now=NOW + n * MINUTE)

    assert (paid.status, paid.paid_at) == (CONFIRMED, NOW)
    assert movements(unpaid.id) == [(CAPTURED, 990, CAPTURED, "TX-1")]


def test_a_late_approved_payment_is_captured_and_refunded_and_the_order_stays_lapsed(
        member, unpaid):
    assert redemption.lapse_unpaid(now=NOW + 20 * MINUTE) == 1
    before = snapshot(member.id, unpaid.item_id)

    late = pay(unpaid, now=NOW + 21 * MINUTE)
    pay(unpaid, now=NOW + 22 * MINUTE)  # told again: nothing more

    assert late.status == LAPSED and late.paid_at is None
    assert movements(unpaid.id) == [(CAPTURED, 990, CAPTURED, "TX-1"),
                                    ("refund", 990, REQUESTED, None)]
    assert snapshot(member.id, unpaid.item_id) == before


def test_an_approval_arriving_after_the_window_lapses_the_order_and_refunds_the_cash(unpaid):
    late = pay(unpaid, now=unpaid.pay_by)

    assert late.status == LAPSED
    assert [m[0] for m in movements(unpaid.id)] == [CAPTURED, "refund"]


def test_a_payment_for_a_cancelled_order_is_refunded(member, unpaid):
    redemption.cancel(member.id, unpaid.code, now=NOW + MINUTE)

    pay(unpaid, now=NOW + 2 * MINUTE)

    assert order_by_code(unpaid.code).status == CANCELLED
    assert [m[0] for m in movements(unpaid.id)] == [CAPTURED, "refund"]


def test_a_second_payment_for_a_paid_order_is_refunded(unpaid):
    pay(unpaid, reference="TX-1")

    again = pay(unpaid, reference="TX-2", now=NOW + 2 * MINUTE)

    assert again.status == CONFIRMED
    assert movements(unpaid.id) == [(CAPTURED, 990, CAPTURED, "TX-1"),
                                    (CAPTURED, 990, CAPTURED, "TX-2"),
                                    ("refund", 990, REQUESTED, None)]
    assert refund_row(unpaid.id).refund_of_id == db.session.scalar(
        select(CashMovement.id).where(CashMovement.reference == "TX-2"))


@pytest.mark.parametrize("amount", [0, -990, 989, 991, 10**12])
def test_a_payment_of_the_wrong_amount_records_nothing(member, unpaid, amount):
    before = snapshot(member.id, unpaid.item_id)

    with pytest.raises(PaymentRejected):
        pay(unpaid, amount=amount)

    assert movements() == []
    assert snapshot(member.id, unpaid.item_id) == before


def test_a_payment_for_an_unknown_order_records_nothing(app):
    with pytest.raises(NotFound):
        redemption.settle_payment("NOSUCHCODE", True, 990, reference="TX-1")
    assert movements() == []


def test_a_payment_for_a_points_only_order_is_refused(member, make_item):
    order = redemption.redeem(member.id, make_item().id, new_key())

    with pytest.raises(PaymentRejected):
        redemption.settle_payment(order.code, True, 0, reference="TX-0")

    assert movements() == []


def test_a_reference_already_recorded_for_another_order_is_refused(member, make_item, unpaid):
    other = redemption.redeem(member.id, make_item(points_price=100, cash_fen=990).id,
                              new_key(), now=NOW)
    pay(unpaid, reference="TX-1")

    with pytest.raises(PaymentRejected):
        pay(other, reference="TX-1")

    assert movements(other.id) == []


def test_a_declined_payment_moves_no_cash(unpaid):
    redemption.settle_payment(unpaid.code, False, 990, now=NOW + MINUTE, reference="TX-1")
    assert movements() == []


# Refunds of cancelled orders

def test_cancelling_a_paid_order_returns_points_and_stock_and_writes_a_refund(member, unpaid):
    pay(unpaid)

    cancelled = redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)

    assert cancelled.status == CANCELLED
    assert movements(unpaid.id) == [(CAPTURED, 990, CAPTURED, "TX-1"),
                                    ("refund", 990, REQUESTED, None)]
    assert snapshot(member.id, unpaid.item_id)[:2] == (5000, 5)


def test_cancelling_an_unpaid_order_refunds_no_cash(member, unpaid):
    redemption.cancel(member.id, unpaid.code, now=NOW + MINUTE)
    assert movements() == []


# Sending refunds to the provider

def test_a_refund_is_sent_once_and_keeps_the_providers_reference(member, unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    provider = Provider()

    assert cash.send_refunds(provider, now=NOW + 2 * MINUTE) == 1
    assert cash.send_refunds(provider, now=NOW + 3 * MINUTE) == 0

    refund = refund_row(unpaid.id)
    assert provider.calls == [(unpaid.code, 990, refund.refund_id)]
    assert (refund.status, refund.reference, refund.done_at, refund.attempts) == (
        REFUNDED, f"R-{refund.refund_id}", NOW + 2 * MINUTE, 1)


def test_a_failed_refund_is_retried_after_a_pause_and_done_once(member, unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    provider = Provider(failures=1)

    assert cash.send_refunds(provider, now=NOW + 2 * MINUTE) == 0
    failed = refund_row(unpaid.id)
    assert (failed.status, failed.attempts) == (REQUESTED, 1)
    assert "provider unavailable" in failed.last_error
    assert cash.send_refunds(provider, now=NOW + 2 * MINUTE + 30 * cash.BACKOFF[0] / 60) == 0
    assert len(provider.calls) == 1  # not before its pause is over

    assert cash.send_refunds(provider, now=NOW + 2 * MINUTE + cash.BACKOFF[0]) == 1
    assert cash.send_refunds(provider, now=NOW + 3 * MINUTE + cash.BACKOFF[1]) == 0

    done = refund_row(unpaid.id)
    assert (done.status, done.attempts, done.last_error) == (REFUNDED, 2, "")
    assert [call[2] for call in provider.calls] == [done.refund_id] * 2


def test_a_refund_keeps_being_retried_and_is_never_given_up(member, unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    provider = Provider(failures=10)
    at = NOW + 2 * MINUTE
    for _ in range(10):
        cash.send_refunds(provider, now=at)
        at += cash.BACKOFF[-1]

    assert len(provider.calls) == 10
    assert cash.send_refunds(provider, now=at) == 1


def test_a_refund_held_by_a_sender_that_died_is_sent_again_with_the_same_refund_id(member,
                                                                                  unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    refund_id = refund_row(unpaid.id).id
    assert cash._claim(refund_id, NOW + 2 * MINUTE) is not None  # and then the process died
    provider = Provider()

    assert cash.send_refunds(provider, now=NOW + 3 * MINUTE) == 0  # still claimed
    assert cash.send_refunds(provider, now=NOW + 2 * MINUTE + cash.CLAIM_LEASE) == 1

    refund = refund_row(unpaid.id)
    assert refund.status == REFUNDED
    assert provider.calls == [(unpaid.code, 990, refund.refund_id)]


def test_a_sender_whose_claim_ran_out_does_not_record_over_the_next_one(member, unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    refund_id = refund_row(unpaid.id).id
    slow = cash._claim(refund_id, NOW + 2 * MINUTE)
    cash.send_refunds(Provider(), now=NOW + 2 * MINUTE + cash.CLAIM_LEASE)

    assert cash._record(refund_id, slow[0], None, RefundFailed("late"), NOW) is False

    refund = refund_row(unpaid.id)
    assert (refund.status, refund.attempts) == (REFUNDED, 1)


def test_refunds_of_another_provider_are_left_to_it(member, unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    other = Provider()
    other.name = "wechat"

    assert cash.send_refunds(other, now=NOW + 3 * MINUTE) == 0
    assert other.calls == []


def test_the_refund_job_and_command_send_refunds_due(app, member, make_item):
    item = make_item(points_price=500, cash_fen=990)
    unpaid = redemption.redeem(member.id, item.id, new_key())
    pay(unpaid, now=utcnow())
    redemption.cancel(member.id, unpaid.code)
    order_id = unpaid.id
    job = next(j for j in jobs.SCHEDULE if j.name == "refund")

    assert jobs.run_job(job) == 1
    result = app.test_cli_runner().invoke(args=["payments", "refund"])

    assert result.exit_code == 0 and "0 refund(s) confirmed" in result.output
    assert refund_row(order_id).status == REFUNDED
    assert db.session.scalar(select(func.count()).select_from(CashMovement)) == 2


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_the_refund_command_refuses_a_bad_limit(app, limit):
    result = app.test_cli_runner().invoke(args=["payments", "refund", "--limit", limit])
    assert result.exit_code == 2


# The cash check

def test_cash_agrees_with_every_order_after_payments_refunds_and_cancels(app, member,
                                                                         make_item, unpaid):
    other = redemption.redeem(member.id, make_item(points_price=100, cash_fen=500).id,
                              new_key(), now=NOW)
    late = redemption.redeem(member.id, make_item(points_price=100, cash_fen=700).id,
                             new_key(), now=NOW)
    pay(unpaid, reference="TX-1")
    pay(unpaid, reference="TX-2", now=NOW + 2 * MINUTE)       # paid twice: one refunded
    pay(other, reference="TX-3", amount=500)
    redemption.cancel(member.id, other.code, now=NOW + 3 * MINUTE)
    pay(late, reference="TX-4", amount=700, now=NOW + 30 * MINUTE)

    result = app.test_cli_runner().invoke(args=["payments", "check"])

    assert cash.check() == []
    assert result.exit_code == 0 and "Cash consistent" in result.output


def test_the_cash_check_finds_a_payment_kept_without_a_refund(app, member, unpaid):
    pay(unpaid)
    redemption.cancel(member.id, unpaid.code, now=NOW + 2 * MINUTE)
    db.session.execute(delete(CashMovement).where(CashMovement.kind == "refund"))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["payments", "check"])

    assert cash.check() == [(unpaid.code, "cancelled order holds 990 fen of cash, should be 0")]
    assert result.exit_code == 1 and unpaid.code in result.output
