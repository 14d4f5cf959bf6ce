"""What the risk-control tests share: joining from a device, a till's purchases, the cases
opened, and the ledger check after each test."""
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.loyalty import ledger_check, phone_codes, purchases, tasks
from app.loyalty.models import JOIN, Member
from app.loyalty.models.risk import RiskCase
from app.loyalty.risk.signals import Origin
from tests.conftest import PASSWORD


def join(phone: str, device: str, address: str = "198.51.100.7",
         invite: str | None = None, now: datetime | None = None) -> Member:
    """A new member who joined by SMS code from this device and address."""
    issued = phone_codes.issue(phone, JOIN, address, now=now)
    joined = phone_codes.join(phone, issued.code,
                              phone_codes.NewMember("会员", PASSWORD, invite), now=now,
                              origin=Origin(address=address, device=device))
    return joined.member


def buy(store_id: int, member: Member, amount_fen: int = 3000, till: str | None = "T1",
        now: datetime | None = None):
    """A purchase from the store's till for the member, as the API records it."""
    now = now or datetime.now().astimezone()
    data = purchases.PurchaseInput(
        reference=uuid.uuid4().hex[:16], amount_fen=amount_fen,
        lines=[{"category": "coffee", "amount_fen": amount_fen}],
        occurred_at=now - timedelta(seconds=30), member_phone=member.phone, till=till)
    recorded, _replayed = purchases.record(store_id, data, now=now)
    return recorded.purchase


def held_check_ins(make_member, held: int = 1) -> list[int]:
    """Members checking in from one device: the fourth on are held; their ids."""
    members = [make_member() for _ in range(3 + held)]
    for member in members:
        tasks.check_in(member.id, origin=Origin(device="shared-device-0001",
                                                address="203.0.113.9"))
    return [m.id for m in members[3:]]


def cases(rule: str | None = None) -> list[RiskCase]:
    db.session.rollback()
    query = select(RiskCase).order_by(RiskCase.id)
    if rule:
        query = query.where(RiskCase.rule_code == rule)
    return list(db.session.scalars(query))


def ledger_holds() -> None:
    db.session.rollback()
    assert ledger_check.check_ledger() == []
