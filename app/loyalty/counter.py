"""The counter: what a clerk's scan or typing names, and what they may see of the order.

The pickup QR holds the order code itself; a scanner types it and presses Enter. A code
typed by hand may carry spaces, dashes, lower case or full-width letters, and a link to the
order may be pasted instead: each reads as the same code.
"""
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from app.extensions import db
from . import phones
from .models import Member, Order

MAX_TYPED = 200
CODE = re.compile(r"[A-Z0-9]{4,16}")
SEPARATORS = re.compile(r"[\s\-_.·]+")


def pickup_code(typed: str | None) -> str | None:
    """The order code a scan or hand-typed text names, or None if it cannot name one."""
    if not typed or len(typed) > MAX_TYPED or "\x00" in typed:
        return None
    text = unicodedata.normalize("NFKC", typed).strip()
    if "/" in text:
        parts = [part for part in urlsplit(text).path.split("/") if part]
        if "orders" in parts[:-1]:
            text = parts[parts.index("orders") + 1]
        elif parts:
            text = parts[-1]
    text = SEPARATORS.sub("", text).upper()
    return text if CODE.fullmatch(text) else None


@dataclass(frozen=True)
class Found:
    """An order as the counter shows it: the member's name and phone masked."""

    order: Order
    member_name: str
    member_phone: str


def look_up(code: str) -> Found | None:
    order = db.session.scalar(select(Order).where(Order.code == code)
                              .execution_options(populate_existing=True))
    if order is None:
        return None
    member = db.session.get(Member, order.member_id)
    return Found(order, masked_name(member.name), phones.mask(member.phone))


def masked_name(name: str) -> str:
    """张*明, 张*, J*** S.: enough to greet the member, not to know them by."""
    name = " ".join((name or "").split())
    if not name:
        return ""
    words = name.split(" ")
    if len(words) > 1:
        return f"{words[0][0]}*** {words[-1][0]}."
    if name.isascii():
        return f"{name[0]}***"
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]
