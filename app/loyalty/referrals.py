"""Referrals: joining with a friend's referral code, and the rewards on the friend's first
purchase. Members read "invite code" and "invite friends"."""
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import accounts, tasks
from .errors import DomainError
from .models import REFERRAL_INVITER, REFERRAL_NEW, Member, Purchase, TaskReward, utcnow
from .models.risk import REFERRAL_SIGNAL
from .program import Program, running_program
from .risk import cases
from .signed_in import SignedInMember
from .statements import built_once, read
from .transaction import lock_member


class UnknownReferral(DomainError):
    code = "unknown_referral"


def normalize_code(code: str | None) -> str:
    """Referral codes are read aloud and typed: case and spaces do not matter."""
    return "".join((code or "").split()).upper()


def referrer_by_code(code: str | None) -> Member | None:
    code = normalize_code(code)
    if not code:
        return None
    return db.session.scalar(select(Member).where(Member.referral_code == code))


def join(phone: str, name: str, password: str, referral_code: str | None = None,
         now: datetime | None = None) -> Member:
    """A new member, referred by the owner of `referral_code` if one is given.
    An unknown code or a phone that is a member's already changes nothing."""
    now = now or utcnow()
    referrer = None
    if normalize_code(referral_code):
        referrer = referrer_by_code(referral_code)
        if referrer is None or referrer.phone == phone:
            raise UnknownReferral()
    if db.session.scalar(select(Member.id).where(Member.phone == phone)) is not None:
        raise accounts.PhoneInUse()
    try:
        return accounts.join(phone, name, password, now=now,
                                 referred_by_id=referrer.id if referrer else None)
    except IntegrityError:  # the same phone joined a moment ago
        raise accounts.PhoneInUse() from None


@dataclass(frozen=True)
class ReferralRewards:
    new_member: int = 0
    referrer: int = 0


def on_purchase(member: Member, purchase: Purchase, now: datetime) -> ReferralRewards:
    """Called by the purchase service inside its write transaction, with `member` locked,
    for every purchase recorded: a referred member's first purchase of at least the
    qualifying amount gives them the welcome points and the referrer theirs,
    unless the referrer reached this month's cap. A smaller purchase rewards nobody, and the
    next one that qualifies may; so may one after a refund took the rewards back."""
    program = running_program()
    referrer_id = member.referred_by_id
    if referrer_id is None or referrer_id == member.id:
        return ReferralRewards()
    if purchase.amount_fen < program.referral_min_purchase_fen:
        return ReferralRewards()
    if tasks.rewarded(member.id, REFERRAL_NEW, ""):
        return ReferralRewards()
    new_points = tasks.reward(member, REFERRAL_NEW, "", program.referral_new_points,
                              "welcome: invited by a friend", now, ref_id=str(referrer_id),
                              purchase_id=purchase.id)
    referrer = lock_member(referrer_id)
    if referrer.phone == member.phone or \
            tasks.rewarded(referrer.id, REFERRAL_INVITER, str(member.id)):
        return ReferralRewards(new_points, 0)
    if referrer_rewards_in_month(referrer.id, now, program) >= program.referral_monthly_cap:
        return ReferralRewards(new_points, 0)
    referrer_points = tasks.reward(referrer, REFERRAL_INVITER, str(member.id),
                                   program.referral_inviter_points, "friend invited", now,
                                   purchase_id=purchase.id, signal=REFERRAL_SIGNAL,
                                   other_member_id=member.id)
    return ReferralRewards(new_points, referrer_points)


def on_refund(member: Member, purchase: Purchase, now: datetime) -> ReferralRewards:
    """Called by the refund service inside its write transaction, with `member` locked:
    once what is left of the purchase is below the qualifying amount (a full refund always
    is), the referral rewards it paid are taken back from both members, like a refunded
    purchase's points (what was spent is owed), and no longer count against the cap.
    Returns the points taken back."""
    program = running_program()
    if purchase.amount_fen - purchase.refunded_fen >= max(program.referral_min_purchase_fen, 1):
        return ReferralRewards()
    paid = db.session.scalars(select(TaskReward).where(
        TaskReward.purchase_id == purchase.id,
        TaskReward.task.in_((REFERRAL_NEW, REFERRAL_INVITER)))
        .order_by(TaskReward.task.desc())).all()  # the new member, locked already, first
    taken = {REFERRAL_NEW: 0, REFERRAL_INVITER: 0}
    for reward in paid:
        owner = member if reward.member_id == member.id else lock_member(reward.member_id)
        held = (reward.task, reward.period or str(owner.referred_by_id))
        if reward.entry_id is None:   # held: withdrawn, unless a review posted it already
            standing = cases.posted_after_review(held, REVERSAL_DETAIL[reward.task], now)
        else:   # a review that rejected it took it back already
            standing = not cases.taken_back(reward.entry_id)
        if standing:
            accounts.claw_back_locked(owner, reward.points, detail=REVERSAL_DETAIL[reward.task],
                                      now=now, ref=(reward.task, str(purchase.id)))
        if owner is not member:
            accounts.undo_unpaid_upgrades(owner, now)
        taken[reward.task] += reward.points
        db.session.delete(reward)
    db.session.flush()
    return ReferralRewards(taken[REFERRAL_NEW], taken[REFERRAL_INVITER])


# What the member reads on their points history when a referral reward is taken back.
REVERSAL_DETAIL = {REFERRAL_NEW: "welcome points: your first purchase was refunded",
                   REFERRAL_INVITER: "invite points: your friend's purchase was refunded"}


def local_month_bounds(now: datetime, program: Program) -> tuple[datetime, datetime]:
    """The current local month as a UTC half-open interval [start, end)."""
    local = now.astimezone(program.tz)
    first = date(local.year, local.month, 1)
    following = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=program.tz).astimezone(timezone.utc)
    end = datetime.combine(following, time.min, tzinfo=program.tz).astimezone(timezone.utc)
    return start, end


def referrer_rewards_in_month(member_id: int, now: datetime, program: Program) -> int:
    start, end = local_month_bounds(now, program)
    return db.session.scalar(_inviter_rewards(), {"member_id": member_id, "start": start,
                                                  "end": end})


@built_once
def _inviter_rewards():
    moment = TaskReward.created_at.type
    return select(func.count()).select_from(TaskReward).where(
        TaskReward.member_id == bindparam("member_id"), TaskReward.task == REFERRAL_INVITER,
        TaskReward.created_at >= bindparam("start", type_=moment),
        TaskReward.created_at < bindparam("end", type_=moment))


@dataclass(frozen=True)
class ReferralStats:
    code: str
    joined_this_month: int
    rewarded_this_month: int
    cap: int
    referrer_points: int
    new_points: int


@built_once
def _month_counts():
    """How many friends the member (`member_id`) brought in [start, end), and how many
    inviter rewards they were given then: for the earn page, on the tables' columns (a
    reward checks referrer_rewards_in_month(), which sees its own transaction's writes)."""
    members, rewards = Member.__table__.c, TaskReward.__table__.c
    at = members.created_at.type
    start, end = bindparam("start", type_=at), bindparam("end", type_=at)
    joined = select(func.count()).select_from(Member.__table__).where(
        members.referred_by_id == bindparam("member_id"), members.created_at >= start,
        members.created_at < end)
    rewarded = select(func.count()).select_from(TaskReward.__table__).where(
        rewards.member_id == bindparam("member_id"), rewards.task == REFERRAL_INVITER,
        rewards.created_at >= start, rewards.created_at < end)
    return joined, rewarded


def stats(member: Member | SignedInMember, now: datetime, program: Program) -> ReferralStats:
    """The member's referral code and how many friends joined and were rewarded this month."""
    start, end = local_month_bounds(now, program)
    joined, rewarded = _month_counts()
    values = {"member_id": member.id, "start": start, "end": end}
    return ReferralStats(member.referral_code or "", read(joined, values).scalar(),
                         read(rewarded, values).scalar(),
                         program.referral_monthly_cap, program.referral_inviter_points,
                         program.referral_new_points)
