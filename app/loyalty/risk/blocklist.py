"""The block list: a phone, device or address with the reason staff gave; joins, sign-ins,
check-ins, redemptions and purchases from one are refused."""
from datetime import datetime

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from .. import audit_log, phones
from ..errors import DomainError, NotFound
from ..models import utcnow
from ..models.risk import ADDRESS, BLOCK_KINDS, DEVICE, PHONE, BlockEntry
from ..statements import built_once
from ..transaction import write_transaction
from .errors import Blocked
from .rules import mask_address
from .signals import Origin

REASON_MAX, VALUE_MAX = 200, 64


class InvalidBlock(DomainError):
    """A block-list entry that cannot be kept: `problem` says which part."""

    code = "invalid_block"


def refuse_blocked(*, phone: str | None = None, origin: Origin) -> None:
    """Blocked (the reason is for staff, not said) when the phone, device or address is on
    the block list."""
    pairs = [(PHONE, phone), (DEVICE, origin.device), (ADDRESS, origin.address)]
    wanted = [(kind, value) for kind, value in pairs if value]
    if not wanted:
        return
    # On the connection, past the session's flush: entries are flushed as they are added.
    found = db.session.connection().scalar(_listed(tuple(kind for kind, _ in wanted)),
                                           {kind: value for kind, value in wanted})
    if found is not None:
        raise Blocked(listed=found)


@built_once
def _listed(kinds: tuple[str, ...]):
    """The first entry among `kinds`, each kind's value bound under the kind's name."""
    return select(BlockEntry.kind).where(or_(
        *[(BlockEntry.kind == kind) & (BlockEntry.value == bindparam(kind)) for kind in kinds])
    ).limit(1)


def add(kind: str, value: str, reason: str, *, actor_id: int, address: str = "",
        now: datetime | None = None) -> BlockEntry:
    """Put a phone, device or address on the block list with a reason (audited)."""
    kind, value, reason = kind.strip(), (value or "").strip(), (reason or "").strip()
    if kind not in BLOCK_KINDS:
        raise InvalidBlock(problem="kind")
    if not value or len(value) > VALUE_MAX or (kind == PHONE and not phones.is_mobile(value)):
        raise InvalidBlock(problem="value")
    if not reason or len(reason) > REASON_MAX:
        raise InvalidBlock(problem="reason", maximum=REASON_MAX)
    now = now or utcnow()
    try:
        with write_transaction():
            if db.session.scalar(select(BlockEntry.id).where(
                    BlockEntry.kind == kind, BlockEntry.value == value)) is not None:
                raise InvalidBlock(problem="listed")
            entry = BlockEntry(kind=kind, value=value, reason=reason, created_by_id=actor_id,
                               created_at=now)
            db.session.add(entry)
            db.session.flush()
            audit_log.record(actor_id, audit_log.BLOCK_ADDED, f"{kind} {shown(kind, value)}",
                             address, after={"kind": kind, "reason": reason}, now=now)
            return entry
    except IntegrityError:   # the same entry was added a moment ago
        raise InvalidBlock(problem="listed") from None


def remove(entry_id: int, *, actor_id: int, address: str = "",
           now: datetime | None = None) -> None:
    """Take an entry off the block list (audited)."""
    now = now or utcnow()
    with write_transaction():
        entry = db.session.get(BlockEntry, entry_id)
        if entry is None:
            raise NotFound(block=entry_id)
        audit_log.record(actor_id, audit_log.BLOCK_REMOVED,
                         f"{entry.kind} {shown(entry.kind, entry.value)}", address,
                         before={"kind": entry.kind, "reason": entry.reason}, now=now)
        db.session.execute(delete(BlockEntry).where(BlockEntry.id == entry_id))


def entries() -> list[BlockEntry]:
    return list(db.session.scalars(select(BlockEntry).order_by(BlockEntry.id.desc())))


def shown(kind: str, value: str) -> str:
    """An entry's value as staff see it: phones and addresses masked."""
    if kind == PHONE:
        return phones.mask(value)
    if kind == ADDRESS:
        return mask_address(value)
    return value[:8] + "…" if len(value) > 8 else value
