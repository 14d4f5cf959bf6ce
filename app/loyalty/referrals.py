"""Inviting friends: joining with an invite code, and the rewards on the friend's first purchase."""
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import accounts, tasks
from .errors import DomainError
from .models import REFERRAL_INVITER, REFERRAL_NEW, Member, TaskReward, utcnow
from .program import Program, program
from .transaction import lock_member


class UnknownInvite(DomainError):
    status = 422
    code = "unknown_invite"


class PhoneTaken(DomainError):
    status = 409
    code = "phone_taken"


def normalize_code(code: str | None) -> str:
    """Invite codes are read aloud and typed: case and spaces do not matter."""
    return "".join((code or "").split()).upper()


def inviter_by_code(code: str | None) -> Member | None:
    code = normalize_code(code)
    if not code:
        return None
    return db.session.scalar(select(Member).where(Member.referral_code == code))


def join(phone: str, name: str, password: str, invite_code: str | None = None,
         now: datetime | None = None) -> Member:
    """A new member, referred by the owner of `invite_code` if one is given.
    An unknown code or a phone already registered changes nothing."""
    now = now or utcnow()
    inviter = None
    if normalize_code(invite_code):
        inviter = inviter_by_code(invite_code)
        if inviter is None or inviter.phone == phone:
            raise UnknownInvite()
    if db.session.scalar(select(Member.id).where(Member.phone == phone)) is not None:
        raise PhoneTaken()
    try:
        return accounts.register(phone, name, password, now=now,
                                 referred_by_id=inviter.id if inviter else None)
    except IntegrityError:  # the same phone joined a moment ago
        raise PhoneTaken() from None


@dataclass(frozen=True)
class ReferralRewards:
    new_member: int = 0
    inviter: int = 0


def on_first_purchase(member: Member, now: datetime) -> ReferralRewards:
    """Called by the purchase service inside its write transaction, with `member` locked,
    when the member's first purchase is recorded: a referred member gets the welcome points
    and the inviter the invite points, unless the inviter reached this month's cap."""
    settings = program()
    inviter_id = member.referred_by_id
    if inviter_id is None or inviter_id == member.id:
        return ReferralRewards()
    if tasks.rewarded(member.id, REFERRAL_NEW, ""):
        return ReferralRewards()
    new_points = tasks.reward(member, REFERRAL_NEW, "", settings.referral_new_points,
                              "welcome: invited by a friend", now, ref_id=str(inviter_id))
    inviter = lock_member(inviter_id)
    if inviter.phone == member.phone or \
            tasks.rewarded(inviter.id, REFERRAL_INVITER, str(member.id)):
        return ReferralRewards(new_points, 0)
    if inviter_rewards_in_month(inviter.id, now, settings) >= settings.referral_monthly_cap:
        return ReferralRewards(new_points, 0)
    inviter_points = tasks.reward(inviter, REFERRAL_INVITER, str(member.id),
                                  settings.referral_inviter_points, "friend invited", now)
    return ReferralRewards(new_points, inviter_points)


def local_month_bounds(now: datetime, settings: Program) -> tuple[datetime, datetime]:
    """The current local month as a UTC half-open interval [start, end)."""
    local = now.astimezone(settings.tz)
    first = date(local.year, local.month, 1)
    following = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=settings.tz).astimezone(timezone.utc)
    end = datetime.combine(following, time.min, tzinfo=settings.tz).astimezone(timezone.utc)
    return start, end


def inviter_rewards_in_month(member_id: int, now: datetime, settings: Program) -> int:
    start, end = local_month_bounds(now, settings)
    return db.session.scalar(select(func.count()).select_from(TaskReward).where(
        TaskReward.member_id == member_id, TaskReward.task == REFERRAL_INVITER,
        TaskReward.created_at >= start, TaskReward.created_at < end))


@dataclass(frozen=True)
class ReferralStats:
    code: str
    joined_this_month: int
    rewarded_this_month: int
    cap: int
    inviter_points: int
    new_points: int


def stats(member: Member, now: datetime, settings: Program) -> ReferralStats:
    """The member's invite code and how many friends joined and were rewarded this month."""
    start, end = local_month_bounds(now, settings)
    joined = db.session.scalar(select(func.count()).select_from(Member).where(
        Member.referred_by_id == member.id, Member.created_at >= start, Member.created_at < end))
    return ReferralStats(member.referral_code or "", joined,
                         inviter_rewards_in_month(member.id, now, settings),
                         settings.referral_monthly_cap, settings.referral_inviter_points,
                         settings.referral_new_points)
