"""The ledger invariant over random histories, checked against a plain model of the lots.

After every step: balance = sum of entries = sum of what is left in lots that have not
lapsed, never below zero, check_ledger() finds nothing, points owed match and are never
below zero, and every lot holds exactly what a naive model of "spend the soonest-expiring
first, refund into the same lots, take back what a refund claws and owe the rest, settle
owed points from every credit" says, under each expiry policy (a lot's expiry comes from
the policy's own rule; under the activity policy a purchase moves every live lot on). The
member was invited, so purchases, refunds and
the referral rewards they pay and take back are part of the history. The qualifying points
of every kind, read from the day totals, are the sum of the year's entries less points owed.
"""
import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.loyalty import accounts, expiry, purchases, reads, redemption, stores
from app.loyalty.earning import clawback
from app.loyalty.errors import InsufficientPoints, NotCancellable
from app.loyalty.ledger_check import check_ledger
from app.loyalty.lots import end_of_local_day
from app.loyalty.models import (
    ENTRY_KINDS,
    CashMovement,
    ExpiringPointsRow,
    LedgerDayTotal,
    LedgerEntry,
    LotAllocation,
    Member,
    Order,
    PointLot,
    Purchase,
    PurchaseRefund,
    RiskCase,
    RiskRule,
    RiskSignal,
    TaskReward,
    Tier,
    TierChange,
)
from app.loyalty.program import ACTIVITY, POLICIES, running_program
from app.loyalty.purchases import PurchaseInput
from tests.conftest import utc

START = utc(2026, 1, 1, 4, 0)
YEAR = timedelta(days=365)
POINTS_ONLY = (1, 7, 50, 120, 333, 1000, 2500)
# Mostly short waits (inside the payment and cancel windows), sometimes months, now and
# then most of a year or more, so that lots lapse under open orders.
WAIT = st.one_of(st.just(timedelta(0)),
                 st.integers(1, 30).map(lambda m: timedelta(minutes=m)),
                 st.integers(1, 48).map(lambda h: timedelta(hours=h)),
                 st.integers(1, 120).map(lambda d: timedelta(days=d)),
                 st.integers(300, 420).map(lambda d: timedelta(days=d)))
EARN = st.one_of(st.integers(1, 5000), st.integers(1, 50).map(lambda n: n * 100))
# Purchases in fen: below the referral minimum, around it, and large enough that refunding
# one after spending its points leaves points owed.
SPEND = st.one_of(st.integers(1, 1999), st.integers(1990, 2010), st.integers(2000, 500_000),
                  st.integers(500_000, 3_000_000))


@dataclass
class ModelLot:
    points: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None

    def live(self, now):
        return self.remaining > 0 and (self.expires_at is None or self.expires_at > now)


@dataclass
class ModelOrder:
    code: str
    points: int
    draws: list            # (index into lots, points)
    created_at: datetime
    pay_by: datetime | None   # None once paid, or for points-only orders
    cash_fen: int
    status: str = "open"


@dataclass
class Model:
    """The program's lot rules written the plainest way, to check the real thing against."""

    lots: list = field(default_factory=list)
    owed: int = 0

    @property
    def balance(self):
        return sum(lot.remaining for lot in self.lots)

    def credit(self, points, now, expires_at):
        self.expire(now)
        self.lots.append(ModelLot(points, points, now, expires_at))
        self.settle(now)

    def settle(self, now):
        take = min(self.owed, self.spendable(now))
        if take:
            self.debit(take, now)
            self.owed -= take

    def move_on(self, now, until):
        """A purchase under the activity policy: live lots expire no sooner than `until`."""
        for lot in self.lots:
            if lot.expires_at is not None and now < lot.expires_at < until:
                lot.expires_at = until

    def claw_back(self, points, now):
        self.expire(now)
        take = min(points, self.spendable(now))
        if take:
            self.debit(take, now)
        self.owed += points - take

    def expire(self, now):
        expired = 0
        for lot in self.lots:
            if lot.expires_at is not None and lot.expires_at <= now:
                expired, lot.remaining = expired + lot.remaining, 0
        return expired

    def spendable(self, now):
        return sum(lot.remaining for lot in self.lots if lot.live(now))

    def debit(self, points, now):
        order = sorted((i for i, lot in enumerate(self.lots) if lot.live(now)),
                       key=lambda i: (self.lots[i].expires_at is None,
                                      self.lots[i].expires_at or now, self.lots[i].earned_at, i))
        draws, left = [], points
        for i in order:
            take = min(left, self.lots[i].remaining)
            self.lots[i].remaining -= take
            draws.append((i, take))
            left -= take
            if not left:
                return draws
        raise AssertionError("debit beyond the spendable balance")

    def restore(self, draws, now, grace_days, tz):
        self.expire(now)
        lapsed = 0
        for i, take in draws:
            lot = self.lots[i]
            if lot.expires_at is not None and lot.expires_at <= now:
                lapsed += take
            else:
                lot.remaining += take
        if lapsed:
            grace_day = now.astimezone(tz).date() + timedelta(days=grace_days)
            self.lots.append(ModelLot(lapsed, lapsed, now, end_of_local_day(grace_day, tz)))
        self.settle(now)


@dataclass
class ModelPurchase:
    reference: str
    amount_fen: int
    points: int
    refunded_fen: int = 0
    paid_referral: bool = False


def reset_tables():
    for model in (RiskCase, RiskSignal, CashMovement, Order, TierChange, TaskReward,
                  PurchaseRefund, Purchase, LotAllocation, LedgerEntry, PointLot,
                  ExpiringPointsRow, LedgerDayTotal, Member):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.mark.parametrize("policy", POLICIES)
def test_the_ledger_invariant_holds_over_random_histories(app, make_item, policy):
    app.config["EXPIRY_POLICY"] = policy
    settings_ = running_program()
    assert settings_.expiry_policy == policy
    points_only = [make_item(points_price=p, stock=None).id for p in POINTS_ONLY]
    with_cash = [make_item(points_price=p, cash_fen=990, stock=None).id for p in (400, 3000)]
    prices = {item_id: price for item_id, price in
              zip(points_only + with_cash, POINTS_ONLY + (400, 3000), strict=True)}
    entry_tier = db.session.scalar(select(Tier.id).order_by(Tier.rank))
    keys = iter(range(10**9))
    store_id = stores.create_store("SH001", "上海南京西路店").id
    # The model knows nothing of risk control: a hold keeps a credit out of the ledger until
    # a review, which tests/integration/test_risk_*.py follow. Here every rule is off.
    db.session.execute(update(RiskRule).values(enabled=False))
    db.session.commit()

    class LedgerHistory(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            reset_tables()
            referrer = Member(phone="13700000001", name="邀请人", password_hash="-",
                             tier_id=entry_tier, tier_since=START, created_at=START)
            db.session.add(referrer)
            db.session.flush()
            member = Member(phone="13700000000", name="性质测试", password_hash="-",
                            tier_id=entry_tier, tier_since=START, created_at=START,
                            referred_by_id=referrer.id)
            db.session.add(member)
            db.session.commit()
            self.member_id = member.id
            self.now = START
            self.model = Model()
            self.orders: list[ModelOrder] = []
            self.purchases: list[ModelPurchase] = []

        def wait(self, delta):
            self.now += delta

        @initialize(points=st.integers(1000, 20000))
        def join_with_a_welcome_bonus(self, points):
            self.earn(points, timedelta(0))

        @rule(points=EARN, wait=WAIT)
        def earn(self, points, wait):
            self.wait(wait)
            accounts.award(self.member_id, points, "purchase", now=self.now)
            self.credit(points)

        # Half the redemptions are points plus cash: unpaid orders may be closed at any time,
        # so those are the ones whose points come back after their lots lapsed.
        @rule(item_id=st.one_of(st.sampled_from(points_only), st.sampled_from(with_cash)),
              quantity=st.integers(1, 3), wait=WAIT)
        def redeem(self, item_id, quantity, wait):
            self.wait(wait)
            cost = prices[item_id] * quantity
            before = copy.deepcopy((self.model, self.orders))
            # A redemption first expires lapsed lots and lapses the member's own overdue
            # unpaid orders, all of which is rolled back if it is then refused.
            self.model.expire(self.now)
            for order in self.overdue():
                self.close(order)
            if self.model.spendable(self.now) < cost:
                try:
                    redemption.redeem(self.member_id, item_id, f"k{next(keys)}",
                                      quantity=quantity, now=self.now)
                except InsufficientPoints:
                    self.model, self.orders = before
                    return
                raise AssertionError(f"redeemed {cost} with {self.model.spendable(self.now)}")
            placed = redemption.redeem(self.member_id, item_id, f"k{next(keys)}",
                                       quantity=quantity, now=self.now)
            draws = self.model.debit(cost, self.now)
            assert placed.points == cost
            self.orders.append(ModelOrder(placed.code, cost, draws, self.now, placed.pay_by,
                                          placed.cash_fen))

        @rule(amount_fen=SPEND, wait=WAIT)
        def buy(self, amount_fen, wait):
            """A purchase at the till: its points, and the referral reward when it is the
            first standing purchase of at least the minimum."""
            self.wait(wait)
            reference = f"P{next(keys)}"
            recorded, _ = purchases.record(store_id, PurchaseInput(
                reference=reference, amount_fen=amount_fen, occurred_at=self.now,
                lines=[{"category": "coffee", "amount_fen": amount_fen}],
                member_phone="13700000000"), now=self.now)
            bought = ModelPurchase(reference, amount_fen, recorded.purchase.points)
            if policy == ACTIVITY:
                self.model.move_on(self.now, expiry.lot_expiry(self.now, settings_))
            if bought.points:
                self.credit(bought.points)
            standing = any(p.paid_referral for p in self.purchases)
            if amount_fen >= settings_.referral_min_purchase_fen and not standing:
                bought.paid_referral = True
                self.credit(settings_.referral_new_points)
            self.purchases.append(bought)

        @precondition(lambda self: any(p.refunded_fen < p.amount_fen for p in self.purchases))
        @rule(pick=st.integers(0, 10**6), part=st.integers(1, 4), wait=WAIT)
        def refund(self, pick, part, wait):
            """A refund of a quarter to all of what is left of a purchase: its share of the
            points is clawed back, and the referral reward once below the minimum."""
            self.wait(wait)
            open_ = [p for p in self.purchases if p.refunded_fen < p.amount_fen]
            bought = open_[pick % len(open_)]
            left = bought.amount_fen - bought.refunded_fen
            amount = max(1, left * part // 4)
            purchases.refund(store_id, bought.reference, f"R{next(keys)}", amount, now=self.now)
            claw = clawback(bought.points, bought.amount_fen, bought.refunded_fen, amount)
            bought.refunded_fen += amount
            if claw:
                self.model.claw_back(claw, self.now)
            if bought.paid_referral and \
                    bought.amount_fen - bought.refunded_fen < settings_.referral_min_purchase_fen:
                bought.paid_referral = False
                self.model.claw_back(settings_.referral_new_points, self.now)

        @rule(amount_fen=st.integers(200_000, 3_000_000), item_id=st.sampled_from(points_only),
              quantity=st.integers(1, 3))
        def buy_spend_and_refund(self, amount_fen, item_id, quantity):
            """Buy, redeem, and have the purchase refunded in full: what was spent is owed,
            so the points of an order cancelled or lapsed next must settle it first."""
            self.buy(amount_fen, timedelta(0))
            self.redeem(item_id, quantity, timedelta(0))
            open_ = [p for p in self.purchases if p.refunded_fen < p.amount_fen]
            self.refund(len(open_) - 1, 4, timedelta(0))

        def credit(self, points):
            self.model.credit(points, self.now, expiry.lot_expiry(self.now, settings_))

        def overdue(self):
            return [o for o in self.open_orders() if o.pay_by and o.pay_by <= self.now]

        def open_orders(self):
            return [o for o in self.orders if o.status == "open"]

        @precondition(lambda self: self.open_orders())
        @rule(pick=st.integers(0, 10**6), wait=WAIT)
        def cancel(self, pick, wait):
            self.wait(wait)
            order = self.open_orders()[pick % len(self.open_orders())]
            unpaid = order.pay_by is not None
            in_window = self.now < order.created_at + timedelta(
                hours=settings_.cancel_window_hours)
            if not (unpaid or in_window):
                try:
                    redemption.cancel(self.member_id, order.code, now=self.now)
                except NotCancellable:
                    return
                raise AssertionError("cancelled outside the window")
            redemption.cancel(self.member_id, order.code, now=self.now)
            self.close(order)

        @precondition(lambda self: any(o.pay_by for o in self.open_orders()))
        @rule(pick=st.integers(0, 10**6), approved=st.booleans(), wait=WAIT)
        def pay(self, pick, approved, wait):
            self.wait(wait)
            unpaid = [o for o in self.open_orders() if o.pay_by]
            order = unpaid[pick % len(unpaid)]
            result = redemption.settle_payment(order.code, approved, order.cash_fen, now=self.now)
            if approved and self.now < order.pay_by:
                assert result.status == "confirmed"
                order.pay_by = None
            else:
                assert result.status == "lapsed"
                self.close(order)

        @rule(wait=WAIT)
        def jobs_run(self, wait):
            """The scheduled jobs: lapse unpaid orders, then expire lapsed lots."""
            self.wait(wait)
            due = self.overdue()
            assert redemption.lapse_unpaid(now=self.now) == len(due)
            for order in due:
                self.close(order)
            assert accounts.expire(self.member_id, now=self.now) == self.model.expire(self.now)

        def close(self, order):
            order.status = "closed"
            self.model.restore(order.draws, self.now, settings_.refund_grace_days, settings_.tz)

        @invariant()
        def ledger_agrees_with_itself_and_with_the_model(self):
            assert accounts.expire(self.member_id, now=self.now) == self.model.expire(self.now)
            db.session.expire_all()
            balance, owed = db.session.execute(select(Member.points_balance, Member.points_owed)
                                               .where(Member.id == self.member_id)).one()
            assert owed == self.model.owed >= 0
            entries = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                        .where(LedgerEntry.member_id == self.member_id))
            lots = db.session.scalars(select(PointLot).where(PointLot.member_id == self.member_id)
                                      .order_by(PointLot.id)).all()
            unlapsed = sum(lot.remaining for lot in lots
                           if lot.expires_at is None or lot.expires_at > self.now)
            assert balance == entries == unlapsed == self.model.balance >= 0
            assert [(lot.points, lot.remaining, lot.expires_at) for lot in lots] == \
                [(lot.points, lot.remaining, lot.expires_at) for lot in self.model.lots]
            assert check_ledger(self.now) == []
            # Every kind qualifies here: the day totals agree with the entries of the year.
            year = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                     .where(LedgerEntry.member_id == self.member_id,
                                            LedgerEntry.created_at > self.now - YEAR,
                                            LedgerEntry.created_at <= self.now))
            assert reads.qualifying_points(self.member_id, self.now, ENTRY_KINDS) == \
                max(year - owed, 0)

    run_state_machine_as_test(LedgerHistory, settings=settings(
        max_examples=12, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
