"""Helpers for the pages that send a code by SMS: what the sandbox sent, and the steps."""
import re

from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.models import PhoneCode
from app.sms.sandbox import SandboxMessage
from tests.support import csrf_token


def messages_to(phone: str) -> list[str]:
    """The texts the sandbox sent to `phone`, oldest first."""
    db.session.rollback()
    return list(db.session.scalars(select(SandboxMessage.text).where(
        SandboxMessage.phone == phone).order_by(SandboxMessage.id)))


def last_code(phone: str) -> str:
    """The 6-digit code in the last SMS sent to `phone`."""
    texts = messages_to(phone)
    assert texts, f"no SMS was sent to {phone}"
    found = re.findall(r"(?<![0-9])[0-9]{6}(?![0-9])", texts[-1])
    assert found, f"no code in {texts[-1]!r}"
    return found[0]


def codes_written(phone: str | None = None) -> int:
    db.session.rollback()
    query = select(func.count()).select_from(PhoneCode)
    if phone is not None:
        query = query.where(PhoneCode.phone == phone)
    return db.session.scalar(query)


def ask_code(client, url: str, phone: str, **fields):
    """Step one of a code flow: post the phone (and any other fields) to `url`."""
    return client.post(url, data={"csrf_token": csrf_token(client, url), "phone": phone, **fields})


def other_code(code: str) -> str:
    """A well-formed code that is not `code`."""
    return f"{(int(code) + 1) % 10 ** 6:06d}"
