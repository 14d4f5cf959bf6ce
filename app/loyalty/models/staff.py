"""Staff accounts (administrators and store clerks) and the audit log of what they do."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from .earning import Store
from .types import UTCDateTime, utcnow

ADMIN, CLERK = "admin", "clerk"
ROLES = (ADMIN, CLERK)


class Staff(db.Model):
    """Someone of the brand who signs in to the console. Not a member: an account of its own."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'clerk')", name="staff_role_known"),
        # A clerk works at one store; an administrator at none in particular.
        CheckConstraint("(role = 'clerk' AND store_id IS NOT NULL) OR "
                        "(role = 'admin' AND store_id IS NULL)", name="staff_store_by_role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)   # always lower case
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    # Two-step sign-in: the TOTP secret once enrolled, and the last time step a code was
    # accepted for, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Raised on a password change or deactivation: every session made before it ends.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    store: Mapped[Store | None] = relationship(lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def two_step_enrolled(self) -> bool:
        return self.totp_enrolled_at is not None

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AuditEntry(db.Model):
    """One staff action: who, when, from where, on what, and the state before and after.
    Append-only: the database refuses to update or delete a row."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None only for a failed sign-in under a username no account has.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    action: Mapped[str] = mapped_column(String(30), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[Staff | None] = relationship(lazy="joined")
