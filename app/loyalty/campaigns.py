"""Campaigns: bonus multipliers for a time window, a tier or a category of purchase.

A campaign with `monthly_day` runs on that local day of every month inside its window
(a member day on the 18th, say). Bonuses never stack: the best one that applies wins.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from app.extensions import db
from . import audit_log
from .earning import NO_BONUS
from .errors import DomainError, NotFound
from .models import Campaign, Tier, utcnow
from .program import Program
from .signed_in import MemberTier
from .statements import built_once, read
from .transaction import write_transaction

UPCOMING_DAYS = 30
MULTIPLIER_MAX = 1000    # ten times the points: anything more is a slip of the keyboard
NAME_MAX, CATEGORY_MAX = 60, 40
UPCOMING, RUNNING, ENDED = "upcoming", "running", "ended"


class InvalidCampaign(DomainError):
    code = "invalid_campaign"


def applies(campaign: Campaign, at: datetime, tz: ZoneInfo, tier_id: int | None,
            category: str | None) -> bool:
    """Whether the campaign gives its bonus to a purchase line of `category` made at `at` by a
    member of tier `tier_id`: inside the window (start included, end excluded), on the
    monthly day in local time if it has one, for everyone or that tier, any or that category."""
    if campaign.active is False or not (campaign.starts_at <= at < campaign.ends_at):
        return False
    if campaign.monthly_day is not None and at.astimezone(tz).day != campaign.monthly_day:
        return False
    if campaign.tier_id is not None and campaign.tier_id != tier_id:
        return False
    return campaign.category is None or campaign.category == category


def best_bonus_pct(campaigns: Iterable[Campaign], at: datetime, tz: ZoneInfo,
                   tier_id: int | None, category: str | None) -> int:
    """The highest multiplier among the campaigns that apply; 100 (no bonus) when none does."""
    return max([NO_BONUS] + [c.multiplier_pct for c in campaigns
                             if applies(c, at, tz, tier_id, category)])


def running_at(at: datetime) -> list:
    """Active campaigns whose window contains `at` (the monthly day is checked by applies),
    as rows of the columns `applies` and `best_bonus_pct` read."""
    return read(_running(), {"at": at}).all()


@built_once
def _running():
    table = Campaign.__table__
    c, at = table.c, bindparam("at", type_=table.c.starts_at.type)
    return select(c.active, c.starts_at, c.ends_at, c.monthly_day, c.tier_id, c.category,
                  c.multiplier_pct).where(c.active.is_(True), c.starts_at <= at, c.ends_at > at)


def occurrence(campaign: Campaign, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The current or next stretch of time the campaign runs, clipped to its window; None
    once it is over. For a monthly campaign that is one local day."""
    if campaign.monthly_day is None:
        return (campaign.starts_at, campaign.ends_at) if campaign.ends_at > now else None
    local = max(now, campaign.starts_at).astimezone(tz).date()
    year, month = local.year, local.month
    for _ in range(3):  # this month's day or a later one: one of the next three months
        day = date(year, month, campaign.monthly_day)
        start = datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)
        end = datetime.combine(day + timedelta(days=1), time.min,
                               tzinfo=tz).astimezone(timezone.utc)
        start, end = max(start, campaign.starts_at), min(end, campaign.ends_at)
        if start < end and end > now:
            return start, end
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


@dataclass(frozen=True)
class CampaignView:
    """A campaign as members see it: `starts`/`ends` bound its current or next run."""

    id: int
    name: str
    name_en: str
    description: str
    description_en: str
    multiplier_pct: int
    starts: datetime
    ends: datetime
    tier: Tier | MemberTier | None
    category: str | None
    monthly_day: int | None


@built_once
def _listed():
    # The columns a member's list shows, from the table: no campaign object is needed.
    table = Campaign.__table__
    c, at = table.c, table.c.ends_at.type
    return select(c.id, c.name, c.name_en, c.description, c.description_en, c.multiplier_pct,
                  c.starts_at, c.ends_at, c.monthly_day, c.tier_id, c.category).where(
        c.active.is_(True), c.ends_at > bindparam("now", type_=at),
        c.starts_at <= bindparam("horizon", type_=at)).order_by(c.id)


def listing(now: datetime, program: Program, tier: Tier | MemberTier | None
            ) -> tuple[list[CampaignView], list[CampaignView]]:
    """(running now, starting within 30 days) for a member of `tier` (every tier when
    None), running ones ending soonest first, upcoming ones starting soonest first. A
    member's list names no tier but their own, which they hold: only a list for every tier
    looks the tiers up."""
    horizon = now + timedelta(days=UPCOMING_DAYS)
    rows = read(_listed(), {"now": now, "horizon": horizon}).all()
    running, upcoming = [], []
    for c in rows:
        if tier is not None and c.tier_id not in (None, tier.id):
            continue
        window = occurrence(c, now, program.tz)
        if window is None or window[0] > horizon:
            continue
        named = None if c.tier_id is None else tier or db.session.get(Tier, c.tier_id)
        view = CampaignView(c.id, c.name, c.name_en, c.description, c.description_en,
                            c.multiplier_pct, window[0], window[1], named,
                            c.category, c.monthly_day)
        (running if window[0] <= now else upcoming).append(view)
    running.sort(key=lambda v: (v.ends, v.id))
    upcoming.sort(key=lambda v: (v.starts, v.id))
    return running, upcoming


def create(*, name: str, name_en: str, multiplier_pct: int, starts_at: datetime,
           ends_at: datetime, monthly_day: int | None = None, tier_code: str | None = None,
           category: str | None = None, description: str = "", description_en: str = "",
           now: datetime | None = None, actor_id: int | None = None,
           address: str = "") -> Campaign:
    """A new campaign; InvalidCampaign (nothing saved) when it could never give a bonus.
    Audited as a campaign change when staff make it (the command line names no one)."""
    values = _checked(name=name, name_en=name_en, description=description,
                      description_en=description_en, multiplier_pct=multiplier_pct,
                      starts_at=starts_at, ends_at=ends_at, monthly_day=monthly_day,
                      category=category)
    now = now or utcnow()
    with write_transaction():
        campaign = Campaign(**values, tier_id=_tier_id(tier_code), created_at=now)
        db.session.add(campaign)
        db.session.flush()
        _audit(actor_id, campaign, address, None, now)
        return campaign


def edit(campaign_id: int, *, name: str, name_en: str, multiplier_pct: int,
         starts_at: datetime, ends_at: datetime, monthly_day: int | None = None,
         tier_code: str | None = None, category: str | None = None, description: str = "",
         description_en: str = "", now: datetime | None = None, actor_id: int | None = None,
         address: str = "") -> Campaign:
    """Change every detail of a campaign that has not ended. Purchases it already gave a
    bonus keep theirs: the ledger is never rewritten."""
    values = _checked(name=name, name_en=name_en, description=description,
                      description_en=description_en, multiplier_pct=multiplier_pct,
                      starts_at=starts_at, ends_at=ends_at, monthly_day=monthly_day,
                      category=category)
    now = now or utcnow()
    with write_transaction():
        campaign = _locked(campaign_id)
        if state(campaign, now) == ENDED:
            raise InvalidCampaign(field="state", reason="an ended campaign stays as it ran")
        before = details(campaign)
        tier_id = _tier_id(tier_code)
        for field, value in values.items():
            setattr(campaign, field, value)
        campaign.tier_id = tier_id
        db.session.flush()
        _audit(actor_id, campaign, address, before, now)
        return campaign


def end(campaign_id: int, *, now: datetime | None = None, actor_id: int | None = None,
        address: str = "") -> Campaign:
    """End a campaign early: a running one ends now, an upcoming one never starts."""
    now = now or utcnow()
    with write_transaction():
        campaign = _locked(campaign_id)
        current = state(campaign, now)
        if current == ENDED:
            raise InvalidCampaign(field="state", reason="the campaign has already ended")
        before = details(campaign)
        if current == RUNNING:
            campaign.ends_at = now
        else:
            campaign.active = False
        db.session.flush()
        _audit(actor_id, campaign, address, before, now)
        return campaign


def state(campaign: Campaign, now: datetime) -> str:
    """upcoming, running or ended (an upcoming campaign ended early never starts)."""
    if campaign.active is False or campaign.ends_at <= now:
        return ENDED
    return UPCOMING if campaign.starts_at > now else RUNNING


@dataclass(frozen=True)
class Row:
    """A campaign as the console lists it."""

    campaign: Campaign
    state: str
    tier: Tier | None


def every(now: datetime) -> list[Row]:
    """Every campaign: running ones first, then upcoming, then ended; newest first within."""
    tiers = {t.id: t for t in db.session.scalars(select(Tier))}
    rows = [Row(c, state(c, now), tiers.get(c.tier_id)) for c in db.session.scalars(
        select(Campaign).order_by(Campaign.starts_at.desc(), Campaign.id.desc()))]
    order = {RUNNING: 0, UPCOMING: 1, ENDED: 2}
    return sorted(rows, key=lambda r: order[r.state])


def details(campaign: Campaign) -> dict:
    """What the audit log keeps of a campaign."""
    tier = db.session.get(Tier, campaign.tier_id) if campaign.tier_id else None
    return {"name": campaign.name, "name_en": campaign.name_en,
            "description": campaign.description, "description_en": campaign.description_en,
            "multiplier_pct": campaign.multiplier_pct,
            "starts_at": campaign.starts_at.isoformat(), "ends_at": campaign.ends_at.isoformat(),
            "monthly_day": campaign.monthly_day, "tier": tier.code if tier else None,
            "category": campaign.category, "active": campaign.active}


def _checked(*, name: str, name_en: str, description: str, description_en: str,
             multiplier_pct: int, starts_at: datetime, ends_at: datetime,
             monthly_day: int | None, category: str | None) -> dict:
    """The campaign's columns, tidied; InvalidCampaign on the first field it refuses."""
    name, name_en = (name or "").strip(), (name_en or "").strip()
    category = (category or "").strip().lower() or None
    if not name or not name_en:
        raise InvalidCampaign(field="name", reason="a name in both languages is required")
    if len(name) > NAME_MAX or len(name_en) > NAME_MAX:
        raise InvalidCampaign(field="name", reason=f"at most {NAME_MAX} characters")
    if isinstance(multiplier_pct, bool) or not isinstance(multiplier_pct, int):
        raise InvalidCampaign(field="multiplier", reason="a whole number of percent")
    if multiplier_pct <= NO_BONUS:
        raise InvalidCampaign(field="multiplier", reason="a bonus is more than 100%")
    if multiplier_pct > MULTIPLIER_MAX:
        raise InvalidCampaign(field="multiplier", reason=f"at most {MULTIPLIER_MAX}%")
    if ends_at <= starts_at:
        raise InvalidCampaign(field="ends", reason="the campaign must end after it starts")
    if monthly_day is not None and not 1 <= monthly_day <= 28:
        raise InvalidCampaign(field="monthly_day", reason="a day from 1 to 28 (every month has it)")
    if category is not None and len(category) > CATEGORY_MAX:
        raise InvalidCampaign(field="category", reason=f"at most {CATEGORY_MAX} characters")
    return {"name": name, "name_en": name_en, "description": description or "",
            "description_en": description_en or "", "multiplier_pct": multiplier_pct,
            "starts_at": starts_at, "ends_at": ends_at, "monthly_day": monthly_day,
            "category": category}


def _audit(actor_id: int | None, campaign: Campaign, address: str, before: dict | None,
           now: datetime) -> None:
    if actor_id is not None:
        audit_log.record(actor_id, audit_log.CAMPAIGN_CHANGE, f"campaign {campaign.id}",
                         address, before=before, after=details(campaign), now=now)


def _tier_id(tier_code: str | None) -> int | None:
    if not tier_code:
        return None
    tier_id = db.session.scalar(select(Tier.id).where(Tier.code == tier_code))
    if tier_id is None:
        raise InvalidCampaign(field="tier", reason=f"no tier {tier_code!r}")
    return tier_id


def _locked(campaign_id: int) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id)
                                 .with_for_update())
    if campaign is None:
        raise NotFound(campaign=campaign_id)
    return campaign
