"""Demo data: a catalog, and three members with a believable history of points.

Everything is dated relative to the moment it is loaded, so the demo stays true whenever
it runs: 李晓 (the demo sign-in) holds about 12,000 points, of which 1,200 expire within
14 days; she is Silver and part-way to Gold.

What members do goes through the core's services, as in the running mall: joining
(accounts.join), points awarded by the program's expiry policy (accounts.award),
redeeming, cancelling, paying, lapsing, handing over and revealing (redemption), expiry
(accounts.expire), tier reviews (tier_reviews), the store and its campaigns. Store visits
are awarded as the points they earned, not posted as purchases through the POS API.

Three things have no service yet, and the demo writes them itself, each in one write
transaction on the locked member with the ledger's own functions: the catalog (categories
and items), a credit whose lot has an expiry of its own (a balance brought over from the old
card that never expires, a promotion's short-lived points), and the tier brought over from
the old card (recorded as a tier change, reviewed a year on).
"""
import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app.demo import earning
from app.demo import staff as demo_staff
from app.demo.catalog import CATEGORIES, COUPON_POOL, ITEMS
from app.extensions import db
from app.loyalty import (
    accounts,
    coupon_pools,
    expiry,
    ledger,
    ledger_check,
    reads,
    redemption,
    stock,
    tier_reviews,
)
from app.loyalty.lots import LotView, allocate, end_of_local_day
from app.loyalty.models import (
    ADJUST,
    COUPON,
    DOWNGRADE,
    EARN,
    OPENING,
    UPGRADE,
    Category,
    Item,
    LedgerEntry,
    Member,
    Order,
    PointLot,
    Tier,
    TierChange,
    utcnow,
)
from app.loyalty.program import running_program
from app.loyalty.tiers import next_review
from app.loyalty.transaction import lock_member, write_transaction

DEMO_PHONE = "13800138000"
DEMO_PASSWORD = "mall-demo-2026"
DEMO_NAME = "李晓"

TARGET_BALANCE = 12_086   # the demo member's balance once loaded
EXPIRING_SOON = 1_200     # of which this many expire within the next 14 days
SOON = timedelta(days=14)
BIG = 10 ** 6             # stands in for a lot's size while the plan is rehearsed
KEEP = {"soon": EXPIRING_SOON, "month-end": 860}  # what sized lots hold at the end

NJW, JKC, XHB, HZ = ("上海南京西路店", "上海静安嘉里中心店", "上海徐汇滨江店", "杭州湖滨银泰店")


@dataclass
class Step:
    """One thing that happens to a member: a credit, or something done to an order."""

    what: str                  # credit | redeem | cancel | pay | lapse | fulfil | tier | review
    when: datetime
    points: int = 0
    detail: str = ""
    kind: str = EARN
    expires: object = "policy"  # "policy", None (never) or an explicit datetime
    slug: str = ""             # item, for redeem
    tag: str = ""              # names a lot or an order for later steps
    extra: dict = field(default_factory=dict)


class Clock:
    """Datetimes relative to `now`, in the program's timezone, returned in UTC."""

    def __init__(self, now: datetime, tz):
        self.now, self.tz = now, tz
        self.local = now.astimezone(tz)

    def month(self, back: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
        index = self.local.year * 12 + self.local.month - 1 - back
        year, month = divmod(index, 12)
        day = min(day, calendar.monthrange(year, month + 1)[1])
        local = datetime(year, month + 1, day, hour, minute, tzinfo=self.tz)
        return local.astimezone(timezone.utc)

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes)

    def month_end(self) -> datetime:
        last = calendar.monthrange(self.local.year, self.local.month)[1]
        return end_of_local_day(self.local.date().replace(day=last), self.tz)


def load(now: datetime | None = None) -> None:
    """Load the demo into an empty, migrated database."""
    now = now or utcnow()
    clock = Clock(now, running_program().tz)
    tiers = {t.code: t for t in db.session.scalars(select(Tier))}
    items = _catalog(clock, tiers)

    li = accounts.join(DEMO_PHONE, DEMO_NAME, DEMO_PASSWORD, now=clock.month(24, 8, 11))
    _play(li.id, _sized(_li_plan(clock), clock), items, clock)
    wang = accounts.join("13900139000", "王芳", DEMO_PASSWORD, now=clock.month(30, 16, 15))
    _play(wang.id, _wang_plan(clock, tiers["gold"]), items, clock)
    zhang = accounts.join("13700137000", "张伟", DEMO_PASSWORD, now=clock.ago(days=41))
    _play(zhang.id, _zhang_plan(clock), items, clock)

    for member_id in (li.id, wang.id, zhang.id):
        accounts.expire(member_id, now=now)
    tier_reviews.review_due(now)  # reviews that fell due in the demo's past are held
    problems = ledger_check.check_ledger()
    assert problems == [], problems
    assert stock.check_stock() == []
    _check_demo_member(li.id, now)
    earning.load(now, clock.tz)
    demo_staff.load(now)


def _catalog(clock: Clock, tiers: dict[str, Tier]) -> dict[str, int]:
    """Categories and items; returns item ids by slug."""
    listed = clock.month(26, 1, 9)
    with write_transaction():
        categories = {}
        for position, (slug, name, name_en) in enumerate(CATEGORIES):
            categories[slug] = Category(slug=slug, name=name, name_en=name_en, position=position)
            db.session.add(categories[slug])
        items = {}
        for spec in ITEMS:
            starts = None
            if spec["starts_in_days"]:
                day = clock.local.date() + timedelta(days=spec["starts_in_days"])
                starts = end_of_local_day(day - timedelta(days=1), clock.tz) + timedelta(hours=10)
            items[spec["slug"]] = Item(
                category=categories[spec["category"]], name=spec["name"],
                name_en=spec["name_en"], description=spec["description"],
                description_en=spec["description_en"], image=spec["image"], kind=spec["kind"],
                points_price=spec["points_price"], cash_fen=spec["cash_fen"],
                stock=0 if spec["kind"] == COUPON else spec["stock"],
                per_member_limit=spec["per_member_limit"],
                min_tier_id=tiers[spec["tier"]].id if spec["tier"] else None,
                sale_starts_at=starts, created_at=listed,
                # What the brand pays for a gift: 40% of its points' worth, and its cash part.
                cost_fen=spec["points_price"] * 2 // 5 + spec["cash_fen"])
            db.session.add(items[spec["slug"]])
        db.session.flush()
        for item in items.values():
            if item.stock is not None:
                stock.record(item.id, item.stock, OPENING, item.stock, now=listed)
    for item in items.values():
        if item.kind == COUPON:  # codes from the partner, loaded as staff load them
            codes = (f"{item.id:02d}{redemption.new_code(10)}" for _ in range(COUPON_POOL))
            coupon_pools.add_codes(item.id, "\n".join(codes), now=listed)
    return {slug: item.id for slug, item in items.items()}


def _li_plan(c: Clock) -> list[Step]:
    """李晓: a long-time member who visits now and then; she brought Gold over from the old
    card, moved down to Silver at its first review and never quite made it back. Lots tagged
    `noexp` and `soon` are sized by _sized() so the balance and the expiring points come out
    right."""
    case_month_end = c.month_end() - c.now <= SOON
    gold_card = c.month(24, 8, 11, 6)
    steps = [
        Step("credit", c.month(24, 8, 11, 5), BIG, "老会员卡积分迁移", ADJUST, None, tag="noexp"),
        Step("tier", gold_card, extra={"tier_id": db.session.scalar(
            select(Tier.id).where(Tier.code == "gold"))}),
        Step("review", next_review(gold_card)),
        Step("credit", c.month(24, 8, 11, 6), 500, "新会员注册礼"),
        Step("credit", c.month(23, 12, 19), 88, f"门店消费 {NJW}"),
        Step("credit", c.month(22, 3, 13), 45, f"门店消费 {JKC}"),
        Step("credit", c.month(21, 19, 18), 96, f"门店消费 {NJW}"),
        Step("redeem", c.month(21, 25, 14, 20), slug="americano", tag="o1"),
        Step("fulfil", c.month(21, 26, 8, 40), tag="o1"),
        Step("credit", c.month(20, 6, 9), 100, "生日礼"),
        Step("credit", c.month(20, 22, 20), 66, f"门店消费 {XHB}"),
        Step("credit", c.month(19, 9, 15), 120, f"双倍积分日 门店消费 {NJW}"),
        Step("credit", c.month(18, 15, 12), 52, f"门店消费 {JKC}"),
        Step("credit", c.month(17, 2, 17), 138, f"门店消费 {HZ}"),
        Step("credit", c.month(16, 27, 10), 45, f"门店消费 {NJW}"),
        Step("redeem", c.month(16, 27, 19, 5), slug="cold-brew", tag="o2"),
        Step("fulfil", c.month(16, 28, 12), tag="o2"),
        Step("credit", c.month(15, 11, 13), 84, f"门店消费 {XHB}"),
        Step("credit", c.month(14, 5, 16), 72, f"门店消费 {NJW}"),
        Step("credit", c.month(13, 16, 11), 118, f"门店消费 {JKC}"),
        # This year: fewer visits, so Silver and 553 points short of Gold.
        Step("credit", c.month(11, 6, 18), 128, f"门店消费 {JKC}"),
        Step("credit", c.month(10, 14, 8), 10, "每日签到"),
        Step("credit", c.month(9, 3, 12), 236, f"门店消费 {NJW}"),
        Step("redeem", c.month(9, 12, 9, 30), slug="latte", tag="o3"),
        Step("fulfil", c.month(9, 12, 9, 45), tag="o3"),
        Step("credit", c.month(8, 6, 9), 300, "生日礼"),
        Step("credit", c.month(7, 21, 21), 20, "商品评价有礼"),
        Step("credit", c.month(6, 9, 13), 158, f"门店消费 {NJW}"),
        Step("redeem", c.month(6, 3, 20, 10), slug="coupon-10", tag="o4"),
        Step("fulfil", c.month(6, 10, 12), tag="o4"),
        Step("credit", c.month(5, 2, 19), 100, "邀请好友注册"),
        Step("redeem", c.month(5, 20, 12, 15), slug="hand-cream", tag="o5"),
        Step("fulfil", c.month(5, 21, 17, 30), tag="o5"),
        Step("credit", c.month(4, 17, 15), 88, f"门店消费 {XHB}"),
        Step("redeem", c.month(3, 9, 10, 2), slug="cold-brew", tag="o6"),
        Step("cancel", c.month(3, 9, 10, 41), tag="o6"),
        Step("credit", c.month(3, 26, 8), 10, "每日签到"),
        Step("credit", c.month(2, 11, 14), 176, f"门店消费 {NJW}"),
        Step("redeem", c.month(2, 14, 13), slug="mug", tag="o7"),
        Step("pay", c.month(2, 14, 13, 2), tag="o7"),
        Step("fulfil", c.month(2, 16, 18), tag="o7"),
        Step("credit", c.month(1, 8, 16), 64, f"门店消费 {HZ}"),
        Step("redeem", c.month(1, 5, 21), slug="lip-balm", tag="o8"),
        Step("lapse", c.month(1, 5, 21, 16), tag="o8"),
        Step("credit", c.ago(days=9, hours=2), 10, "每日签到"),
        Step("redeem", c.ago(days=12, hours=1), slug="delivery", tag="o9"),
        Step("redeem", c.ago(days=3, hours=4), slug="americano", tag="o10"),
        Step("credit", c.ago(days=2, hours=3), 142, f"门店消费 {NJW}"),
        Step("credit", c.ago(days=1, hours=1), 5, "每日签到"),
        Step("redeem", c.ago(hours=5), slug="latte", tag="o11"),
    ]
    if case_month_end:
        # The month ends within two weeks: points credited twelve months ago lapse then.
        # They were anniversary gifts, which don't count towards a tier.
        steps += [Step("credit", c.month(12, 2, 15), 1680, "周年庆赠分", ADJUST),
                  Step("credit", c.month(12, 7, 19), 1150, "会员日加赠积分", ADJUST),
                  Step("credit", c.month(12, 12, 14), BIG, "积分补录（门店系统升级）", ADJUST,
                       tag="soon")]
    else:
        # Otherwise a promotion's points run out in ten days, and last year's points
        # at the end of the month.
        day = c.local.date() + timedelta(days=10)
        steps.append(Step("credit", c.ago(hours=2), BIG, "会员周限时赠分（10 天内有效）", ADJUST,
                          end_of_local_day(day, c.tz), tag="soon"))
        if c.month(12, 1, 10) <= c.now - timedelta(days=365):  # not a qualifying point
            steps.append(Step("credit", c.month(12, 1, 10), BIG, "积分补录（门店系统升级）",
                              ADJUST, tag="month-end"))
    return sorted(steps, key=lambda s: s.when)


def _sized(steps: list[Step], c: Clock) -> list[Step]:
    """Rehearse the plan with the core's lot rules, then size the lots tagged in KEEP so
    each holds exactly that much after what later debits draw from it, and the `noexp`
    lot so the balance comes out at TARGET_BALANCE."""
    program = running_program()
    lots, draws, low = {}, {}, {}
    for step in steps:
        if step.what == "credit":
            expires = (expiry.lot_expiry(step.when, program) if step.expires == "policy"
                       else step.expires)
            tag = step.tag or f"lot{len(lots)}"
            lots[tag] = [step.points, step.when, expires, len(lots)]
        elif step.what == "redeem":
            price = next(i["points_price"] for i in ITEMS if i["slug"] == step.slug)
            views = [LotView(n, v[0], v[1], v[2]) for n, v in enumerate(lots.values())]
            tags = list(lots)
            drawn = allocate(views, price, step.when)
            assert drawn, f"demo plan overspends at {step.when}"
            draws[step.tag] = [(tags[n], take) for n, take in drawn]
            for tag, take in draws[step.tag]:
                lots[tag][0] -= take
                low[tag] = min(low.get(tag, BIG), lots[tag][0])
        elif step.what in ("cancel", "lapse"):
            for tag, take in draws.pop(step.tag):
                assert lots[tag][2] is None or lots[tag][2] > step.when, "refund into lapsed lot"
                lots[tag][0] += take
    keep = {tag: left for tag, left in KEEP.items() if tag in lots}
    drawn = {tag: BIG - lots[tag][0] for tag in keep}
    for tag, left in keep.items():
        assert BIG - low.get(tag, BIG) <= drawn[tag] + left, f"{tag} lot runs dry"
    noexp_drawn = BIG - lots["noexp"][0]  # drawn last: its size changes no other draw
    live = sum(keep.get(tag, v[0]) for tag, v in lots.items()
               if tag != "noexp" and (v[2] is None or v[2] > c.now))
    for step in steps:
        if step.tag in keep and step.what == "credit":
            step.points = keep[step.tag] + drawn[step.tag]
        if step.tag == "noexp" and step.what == "credit":
            step.points = TARGET_BALANCE - live + noexp_drawn
            assert step.points > BIG - low.get("noexp", BIG), "migrated balance runs dry"
    return steps


def _wang_plan(c: Clock, gold: Tier) -> list[Step]:
    """王芳: a regular who made Gold this year and treated herself to the roaster's dinner."""
    steps = [Step("credit", c.month(30, 16, 15, 2), 11000, "老会员卡积分迁移", ADJUST, None)]
    visits = [(11, 3, 268), (10, 12, 412), (9, 20, 186), (8, 7, 530), (7, 2, 300),
              (6, 15, 624), (5, 9, 238), (4, 22, 176), (3, 4, 390), (2, 18, 212), (1, 9, 154)]
    stores = [NJW, JKC, XHB, NJW, None, JKC, NJW, HZ, XHB, NJW, JKC]
    for (back, day, points), store in zip(visits, stores, strict=True):
        detail = f"门店消费 {store}" if store else "生日礼"
        steps.append(Step("credit", c.month(back, day, 14), points, detail))
    steps += [
        Step("tier", c.month(6, 15, 14, 5), extra={"tier_id": gold.id}),
        Step("redeem", c.month(1, 18, 20), slug="roaster-dinner", tag="w1"),
        Step("redeem", c.ago(days=6, hours=2), slug="coupon-30-200", tag="w2"),
        Step("credit", c.ago(days=2, hours=6), 96, f"门店消费 {JKC}"),
    ]
    return sorted(steps, key=lambda s: s.when)


def _zhang_plan(c: Clock) -> list[Step]:
    """张伟: joined last month; a welcome gift, a few coffees, one bag."""
    return [
        Step("credit", c.ago(days=41, minutes=-2), 200, "新会员注册礼"),
        Step("credit", c.ago(days=33, hours=3), 46, f"门店消费 {XHB}"),
        Step("redeem", c.ago(days=33, hours=2, minutes=50), slug="eco-bag", tag="z1"),
        Step("fulfil", c.ago(days=33, hours=2, minutes=45), tag="z1"),
        Step("credit", c.ago(days=18, hours=5), 128, f"门店消费 {XHB}"),
        Step("credit", c.ago(days=7, hours=1), 5, "每日签到"),
        Step("credit", c.ago(days=4, hours=9), 212, f"门店消费 {NJW}"),
    ]


def _play(member_id: int, steps: list[Step], items: dict[str, int], clock: Clock) -> None:
    """Run a plan, in order: through the core's services, but for the two steps that have
    none (a credit with an expiry of its own, a tier brought over)."""
    orders = {}
    for n, step in enumerate(steps):
        if step.what == "credit" and step.expires == "policy":
            accounts.award(member_id, step.points, step.detail, kind=step.kind, now=step.when)
        elif step.what == "credit":
            _credit_with_own_expiry(member_id, step)
        elif step.what == "redeem":
            order = redemption.redeem(member_id, items[step.slug], f"demo-{member_id}-{n}",
                                      now=step.when)
            orders[step.tag] = order.code
        elif step.what == "cancel":
            redemption.cancel(member_id, orders[step.tag], now=step.when)
        elif step.what == "pay":
            code = orders[step.tag]
            cash = db.session.scalar(select(Order.cash_fen).where(Order.code == code))
            redemption.settle_payment(code, True, cash, now=step.when,
                                      reference=f"SBX-P-{code}")  # as the sandbox says it
        elif step.what == "lapse":
            assert redemption.lapse_unpaid(now=step.when) == 1
        elif step.what == "fulfil":
            code = orders[step.tag]
            if db.session.scalar(select(Order.coupon_code).where(Order.code == code)):
                redemption.reveal(member_id, code, now=step.when)
            else:
                redemption.hand_over(code, now=step.when)
        elif step.what == "tier":
            _move_tier(member_id, step.extra["tier_id"], step.when)
        elif step.what == "review":
            tier_reviews.review_member(member_id, step.when)


def _credit_with_own_expiry(member_id: int, step: Step) -> None:
    """A credit whose lot expires when the step says (or never), not by the program's policy:
    lapsed lots expire first, as for every credit. It is an adjustment, which counts towards
    no tier, and no demo member owes points, so nothing else follows from it."""
    assert step.kind == ADJUST, step
    with write_transaction():
        member = lock_member(member_id)
        ledger.expire_lapsed(member, step.when)
        ledger.credit(member, step.points, kind=step.kind, detail=step.detail,
                      now=step.when, expires_at=step.expires)


def _move_tier(member_id: int, tier_id: int, when: datetime) -> None:
    """Put a member in a tier, as an upgrade would: recorded, reviewed a year on."""
    with write_transaction():
        member = lock_member(member_id)
        if member.tier_id == tier_id:
            return
        ranks = dict(db.session.execute(select(Tier.id, Tier.rank)).all())
        db.session.add(TierChange(
            member_id=member_id, from_tier_id=member.tier_id, to_tier_id=tier_id,
            reason=UPGRADE if ranks[tier_id] > ranks[member.tier_id] else DOWNGRADE,
            qualifying=reads.qualifying_points(member_id, when), created_at=when))
        member.tier_id, member.tier_since = tier_id, when
        member.tier_review_at = next_review(when)


def _check_demo_member(member_id: int, now: datetime) -> None:
    """The promises the demo makes, checked where they are made."""
    soon = db.session.scalar(select(func.coalesce(func.sum(PointLot.remaining), 0)).where(
        PointLot.member_id == member_id, PointLot.expires_at > now,
        PointLot.expires_at <= now + SOON))
    qualifying = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.kind == EARN,
        LedgerEntry.created_at > now - timedelta(days=365)))
    balance = db.session.scalar(select(func.sum(PointLot.remaining)).where(
        PointLot.member_id == member_id))
    assert soon == EXPIRING_SOON, soon
    assert balance == TARGET_BALANCE, balance
    assert 1000 <= qualifying < 2000, qualifying
    tier = db.session.scalar(select(Tier.code).join(Member, Member.tier_id == Tier.id)
                             .where(Member.id == member_id))
    assert tier == "silver", tier
