"""A month of ordinary shoppers, through the services, raises no case under the default risk
rules: members who join from their own phones (two of a household from one address), sign
in, check in most days, buy a few times a week at the stores' tills, bring a friend who goes
on buying, redeem now and then, and once return a purchase."""
import random
from datetime import timedelta

from sqlalchemy import func

from app.extensions import db
from app.loyalty import purchases, redemption, tasks
from app.loyalty.models import Member, Order, utcnow
from app.loyalty.risk import guard, signals
from app.loyalty.risk.signals import Origin
from tests.integration.api_support import new_store
from tests.integration.risk_support import buy, cases, join, ledger_holds
from tests.support import balance

SHOPPERS = 8
DAYS = 30


def test_a_month_of_ordinary_shoppers_raises_no_case(app, make_item):
    chance = random.Random(11)
    stores = [new_store("SH001")[0], new_store("SH002", "上海淮海路店")[0]]
    items = {price: make_item(points_price=price, stock=None).id for price in (300, 800, 1500)}
    start = utcnow() - timedelta(days=DAYS)
    shoppers = []
    for n in range(SHOPPERS):
        household = f"198.51.100.{n // 2}"          # two members of a household share it
        joined_at = start + timedelta(hours=n)
        member = join(f"1310000{n:04d}", device=f"phone-{n}", address=household,
                      now=joined_at)
        shoppers.append((member, Origin(address=household, device=f"phone-{n}")))
    inviter = shoppers[0][0]
    code = db.session.get(Member, inviter.id).referral_code
    friend = join("13199990001", device="friend-phone", address="192.0.2.44", invite=code,
                  now=start + timedelta(days=1))
    shoppers.append((friend, Origin(address="192.0.2.44", device="friend-phone")))

    returned = False
    for day in range(1, DAYS):
        morning = start + timedelta(days=day, hours=1)
        for n, (member, origin) in enumerate(shoppers):
            at = morning + timedelta(minutes=7 * n)
            guard.signed_in(member.id, origin, at)
            if chance.random() < 0.8:
                tasks.check_in(member.id, now=at, origin=origin)
            if chance.random() < 0.35:
                bought = buy(chance.choice(stores), member,
                             amount_fen=chance.randrange(2_000, 80_000),
                             till=chance.choice(("T1", "T2", "T3")), now=at)
                if not returned and day > 10:
                    purchases.refund(bought.store_id, bought.reference, "return-1",
                                     bought.amount_fen, now=at + timedelta(hours=2))
                    returned = True
            affordable = [item for price, item in items.items() if price <= balance(member.id)]
            if affordable and chance.random() < 0.1:
                redemption.redeem(member.id, chance.choice(affordable), f"r-{day}-{n}",
                                  now=at, origin=origin)

    assert signals.count() > 300
    assert db.session.scalar(db.select(func.count(Order.id))) > 0
    assert cases() == []
    ledger_holds()
