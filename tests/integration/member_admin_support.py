"""What the console's member tests share: posting the member page's forms."""
import re

from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.models import AdjustmentRequest
from tests.integration.route_support import english
from tests.support import csrf_token


def page(member) -> str:
    return f"/admin/members/{member.member_no}"


def form_token(client, member) -> str:
    html = client.get(page(member)).get_data(as_text=True)
    return re.search(r'name="token"[^>]*value="([^"]+)"', html).group(1)


def adjust(client, member, points, reason="门店补录积分", token=None):
    """Post the adjust form as the page renders it (a fresh token unless given)."""
    english(client)
    return client.post(page(member) + "/adjust", data={
        "points": str(points), "reason": reason, "token": token or form_token(client, member),
        "csrf_token": csrf_token(client, page(member))})


def post(client, url: str, **data):
    english(client)
    return client.post(url, data={"csrf_token": csrf_token(client, "/admin/members"), **data})


def requests_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AdjustmentRequest))


def latest_request() -> AdjustmentRequest:
    db.session.rollback()
    return db.session.scalars(select(AdjustmentRequest)
                              .order_by(AdjustmentRequest.id.desc())).first()
