"""Use cases of member tasks: the daily check-in, completing the profile, the birthday gift.

Each runs in one write transaction on the locked member and ends in accounts.credit_locked.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select

from app.extensions import db
from .earning import GIFT
from .errors import AccountFrozen, DomainError
from .models import BIRTHDAY, CHECK_IN, EARN, PROFILE, CheckIn, Member, TaskReward, utcnow
from .models.risk import CHECK_IN_SIGNAL, TASK_SIGNAL
from .program import Program, running_program
from .risk import blocklist, guard
from .risk.signals import NOWHERE, Origin
from .signed_in import SignedInMember
from .statements import built_once, insert_row, read
from .streaks import StreakState, check_in_points, local_day, next_streak, streak_state
from .transaction import lock_member, write_transaction

OLDEST_AGE_YEARS = 120


class BirthdayLocked(DomainError):
    code = "birthday_locked"


class GiftNotOffered(DomainError):
    code = "birthday_gift_not_offered"


class NoBirthday(DomainError):
    code = "no_birthday"


class NotBirthdayMonth(DomainError):
    code = "not_birthday_month"


class AlreadyClaimed(DomainError):
    code = "already_claimed"


# --- Daily check-in ----------------------------------------------------------------------

@dataclass(frozen=True)
class CheckInOutcome:
    """What a tap on check-in did: points earned (0 if already checked in today)."""

    day: date
    streak: int
    points: int
    bonus: bool
    already: bool


def check_in(member_id: int, now: datetime | None = None,
             origin: Origin = NOWHERE) -> CheckInOutcome:
    """Check in for the program's local day: the daily points, the streak bonus on every
    Nth day in a row. A second check-in on the same local day earns nothing. The risk rules
    look at it first: its points may be held for review."""
    now = now or utcnow()
    program = running_program()
    today = local_day(now, program.tz)
    with write_transaction():
        member = lock_member(member_id)
        done = db.session.scalar(select(CheckIn).where(CheckIn.member_id == member.id,
                                                       CheckIn.day == today))
        if done is not None:
            return CheckInOutcome(today, done.streak, 0, False, True)
        if member.frozen:
            raise AccountFrozen()
        blocklist.refuse_blocked(phone=member.phone, origin=origin)
        last = _last_check_in(member.id, before=today)
        streak = next_streak(last.day if last else None, last.streak if last else 0, today)
        points = check_in_points(streak, program.check_in_points,
                                 program.check_in_streak_days, program.check_in_streak_bonus)
        bonus = points > program.check_in_points
        entry = guard.earn(CHECK_IN_SIGNAL, member, origin, now, points=points,
                           detail="daily check-in", credit_kind=EARN,
                           ref=(CHECK_IN, today.isoformat()), subject=f"check-in {today}")
        db.session.add(CheckIn(member_id=member.id, day=today, streak=streak, points=points,
                               entry_id=entry.id if entry else None, created_at=now))
        db.session.flush()
        return CheckInOutcome(today, streak, points, bonus, False)


def _last_check_in(member_id: int, before: date) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.member_id == member_id,
                                                   CheckIn.day < before)
                             .order_by(CheckIn.day.desc()).limit(1))


@dataclass(frozen=True)
class CheckInCard:
    """The check-in card: today's state, the strip, and what the next check-ins earn."""

    state: StreakState
    today_points: int        # earned today (0 if not checked in yet)
    next_points: int         # what a check-in today (or tomorrow, if done) earns
    daily: int
    bonus: int
    every: int


@built_once
def _latest_check_in():
    # The three columns the card reads, from the table: no check-in object is needed.
    table = CheckIn.__table__
    return (select(table.c.day, table.c.streak, table.c.points)
            .where(table.c.member_id == bindparam("member_id"),
                   table.c.day <= bindparam("today", type_=table.c.day.type))
            .order_by(table.c.day.desc()).limit(1))


def check_in_card(member_id: int, now: datetime, program: Program) -> CheckInCard:
    """A member's check-in state on the current local day."""
    today = local_day(now, program.tz)
    last = read(_latest_check_in(), {"member_id": member_id, "today": today}).first()
    state = streak_state(last.day if last else None, last.streak if last else 0, today,
                         program.check_in_streak_days)
    upcoming = state.streak + 1
    next_points = check_in_points(upcoming, program.check_in_points,
                                  program.check_in_streak_days, program.check_in_streak_bonus)
    today_points = last.points if state.checked_in_today else 0
    return CheckInCard(state, today_points, next_points, program.check_in_points,
                       program.check_in_streak_bonus, program.check_in_streak_days)


# --- Profile -----------------------------------------------------------------------------

def profile_complete(member: Member) -> bool:
    return bool(member.name and member.email and member.birthday)


def birthday_problem(birthday: date, today: date) -> str | None:
    """Why a birthday cannot be right: 'future' or 'too_old'; None if it can."""
    if birthday > today:
        return "future"
    if birthday.year < today.year - OLDEST_AGE_YEARS:
        return "too_old"
    return None


def save_profile(member_id: int, name: str, email: str | None, birthday: date | None,
                 now: datetime | None = None) -> int:
    """Save name, email and birthday; returns the points the profile reward gave (once ever,
    the first time all three are filled). A birthday, once set, cannot change."""
    now = now or utcnow()
    program = running_program()
    with write_transaction():
        member = lock_member(member_id)
        if member.birthday is not None and birthday is not None and birthday != member.birthday:
            raise BirthdayLocked()
        if birthday is not None and birthday_problem(birthday, local_day(now, program.tz)):
            raise ValueError("an impossible birthday reached the service")
        member.name, member.email = name, email or None
        if member.birthday is None:
            member.birthday = birthday
        if not profile_complete(member) or rewarded(member.id, PROFILE, ""):
            return 0
        return reward(member, PROFILE, "", program.profile_points, "profile completed", now)


def rewarded(member_id: int, task: str, period: str) -> bool:
    """Whether the task's points were already given for this period."""
    return db.session.scalar(_reward_of(), {"member_id": member_id, "task": task,
                                            "period": period}) is not None


@built_once
def _reward_of():
    return select(TaskReward.id).where(TaskReward.member_id == bindparam("member_id"),
                                       TaskReward.task == bindparam("task"),
                                       TaskReward.period == bindparam("period"))


def reward(member: Member, task: str, period: str, points: int, detail: str,
           now: datetime, ref_id: str | None = None, purchase_id: int | None = None,
           signal: str = TASK_SIGNAL, other_member_id: int | None = None) -> int:
    """Credit a task's points on the locked member and record that it was given
    (and, for a referral, which purchase paid it). A frozen member earns nothing: the task
    stays unrewarded, to be earned once the account is unfrozen. The risk rules look at it
    first: a held reward is recorded with no ledger entry until a review posts it."""
    if points <= 0 or member.frozen:
        return 0
    entry = guard.earn(signal, member, NOWHERE, now, points=points, detail=detail,
                       credit_kind=EARN, ref=(task, ref_id or period or str(member.id)),
                       subject=f"{task} {period}".strip(), other_member_id=other_member_id)
    insert_row(TaskReward(member_id=member.id, task=task, period=period, points=points,
                          entry_id=entry.id if entry else None, purchase_id=purchase_id,
                          created_at=now))
    return points


# --- Birthday ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BirthdayOffer:
    """What the birthday means for a member now, under the program's setting."""

    mode: str                 # "gift" or "double"
    birthday: date | None
    in_month: bool            # the current local month is the birthday month
    claimed: bool             # the gift for this year is already claimed
    points: int               # the gift's points (gift mode)

    @property
    def claimable(self) -> bool:
        return self.mode == GIFT and self.in_month and not self.claimed


def birthday_offer(member: Member | SignedInMember, now: datetime,
                   program: Program) -> BirthdayOffer:
    today = local_day(now, program.tz)
    in_month = member.birthday is not None and member.birthday.month == today.month
    claimed = program.birthday_bonus == GIFT and rewarded(member.id, BIRTHDAY, str(today.year))
    return BirthdayOffer(program.birthday_bonus, member.birthday, in_month, claimed,
                         program.birthday_gift_points)


def claim_birthday_gift(member_id: int, now: datetime | None = None) -> int:
    """The birthday gift, once a year, during the member's birthday month (local time)."""
    now = now or utcnow()
    program = running_program()
    today = local_day(now, program.tz)
    with write_transaction():
        member = lock_member(member_id)
        if member.frozen:
            raise AccountFrozen()
        if program.birthday_bonus != GIFT:
            raise GiftNotOffered()
        if member.birthday is None:
            raise NoBirthday()
        if member.birthday.month != today.month:
            raise NotBirthdayMonth(month=member.birthday.month)
        if rewarded(member.id, BIRTHDAY, str(today.year)):
            raise AlreadyClaimed(year=today.year)
        return reward(member, BIRTHDAY, str(today.year), program.birthday_gift_points,
                       "birthday gift", now)


@built_once
def _profile_rewarded():
    # For the pages, on the table's columns; a task's reward checks rewarded() instead, which
    # sees what its own transaction has written.
    c = TaskReward.__table__.c
    return select(c.id).where(c.member_id == bindparam("member_id"), c.task == PROFILE,
                              c.period == "")


def profile_rewarded(member_id: int) -> bool:
    """Whether the member was given the profile task's points (for a page to show)."""
    return read(_profile_rewarded(), {"member_id": member_id}).scalar() is not None
