"""The POS API's JSON shapes and the statuses of its writes (app/api/openapi.yaml)."""
from datetime import datetime

from app.loyalty.idempotency import Answer
from app.loyalty.models import Member, Purchase, PurchaseRefund
from app.loyalty.purchases import Recorded, Refunded, pending_points


def purchase_answer(recorded: Recorded) -> Answer:
    """201 for a new purchase; 200 with the purchase as first recorded for a known reference."""
    return Answer(201 if recorded.new else 200, purchase_body(recorded.purchase, recorded.member))


def refund_answer(refunded: Refunded) -> Answer:
    """201 for a new refund; 200 with the refund as first recorded for a known reference."""
    return Answer(201 if refunded.new else 200,
                  refund_body(refunded.refund, refunded.purchase, refunded.member))


def purchase_body(purchase: Purchase, member: Member) -> dict:
    """A purchase as the API reports it, with the member's balance at the time."""
    return {
        "id": purchase.id, "reference": purchase.reference, "store": purchase.store.code,
        "member_no": member.member_no, "amount_fen": purchase.amount_fen,
        "refunded_fen": purchase.refunded_fen, "points": purchase.points,
        "points_clawed": purchase.points_clawed, "multiplier_pct": purchase.multiplier_pct,
        "status": purchase.status, "occurred_at": _iso(purchase.occurred_at),
        "available_at": _iso(purchase.available_at), "balance": member.points_balance,
    }


def refund_body(row: PurchaseRefund, purchase: Purchase, member: Member) -> dict:
    return {
        "id": row.id, "reference": row.reference, "purchase_reference": purchase.reference,
        "amount_fen": row.amount_fen, "points_clawed": row.points_clawed,
        "points_owed": row.points_owed, "created_at": _iso(row.created_at),
        "purchase": purchase_body(purchase, member), "member_points_owed": member.points_owed,
    }


def member_body(member: Member) -> dict:
    pending = pending_points(member.id)
    return {"member_no": member.member_no, "balance": member.points_balance,
            "points_owed": member.points_owed,
            "tier": {"code": member.tier.code, "name": member.tier.name,
                     "name_en": member.tier.name_en,
                     "multiplier_pct": member.tier.multiplier_pct},
            "pending_points": pending.points,
            "next_available_at": _iso(pending.next_available_at)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
