"""The program's settings as the core sees them, read from the app's configuration."""
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app


@dataclass(frozen=True)
class Program:
    points_per_yuan: int = 100
    earn_points_per_yuan: int = 1
    expiry_months: int = 12
    expiry_policy: str = "monthly"
    expiry_clearing_date: str = "12-31"   # MM-DD, under the annual policy
    qualifying_kinds: tuple[str, ...] = ("earn", "clawback")
    refund_grace_days: int = 30
    cancel_window_hours: int = 24
    payment_window_minutes: int = 15
    expiry_soon_days: int = 30
    low_stock: int = 10
    timezone: str = "Asia/Shanghai"
    purchase_hold_days: int = 0
    reminder_days: tuple[int, ...] = (30, 7, 1)  # expiry reminders, local days ahead
    # Member tasks
    check_in_points: int = 3
    check_in_streak_days: int = 7
    check_in_streak_bonus: int = 20
    profile_points: int = 30
    birthday_bonus: str = "double"        # "double" purchases in the month, or a "gift"
    birthday_gift_points: int = 200
    referral_new_points: int = 100
    referral_inviter_points: int = 200
    referral_monthly_cap: int = 5
    referral_min_purchase_fen: int = 2000

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def worth_fen(self, points: int) -> int:
        """What points are worth in the mall, in fen (rounded down)."""
        return points * 100 // self.points_per_yuan


def lead_days(setting: str | tuple | list) -> tuple[int, ...]:
    """Reminder lead times in days from a setting like "30,7,1", farthest first."""
    if isinstance(setting, str):
        setting = setting.split(",")
    return tuple(sorted({int(str(d).strip()) for d in setting if str(d).strip()}, reverse=True))


def program() -> Program:
    """The running app's program settings."""
    c = current_app.config
    return Program(
        points_per_yuan=c["POINTS_PER_YUAN"],
        earn_points_per_yuan=c["EARN_POINTS_PER_YUAN"],
        expiry_months=c["EXPIRY_MONTHS"],
        expiry_policy=c["EXPIRY_POLICY"],
        expiry_clearing_date=c["EXPIRY_CLEARING_DATE"],
        qualifying_kinds=kinds(c["QUALIFYING_KINDS"]),
        refund_grace_days=c["REFUND_GRACE_DAYS"],
        cancel_window_hours=c["CANCEL_WINDOW_HOURS"],
        payment_window_minutes=c["PAYMENT_WINDOW_MINUTES"],
        expiry_soon_days=c["EXPIRY_SOON_DAYS"],
        low_stock=c["LOW_STOCK"],
        timezone=c["BABEL_DEFAULT_TIMEZONE"],
        purchase_hold_days=c["PURCHASE_HOLD_DAYS"],
        reminder_days=lead_days(c["REMINDER_DAYS"]),
        check_in_points=c["CHECK_IN_POINTS"],
        check_in_streak_days=c["CHECK_IN_STREAK_DAYS"],
        check_in_streak_bonus=c["CHECK_IN_STREAK_BONUS"],
        profile_points=c["PROFILE_POINTS"],
        birthday_bonus=c["BIRTHDAY_BONUS"],
        birthday_gift_points=c["BIRTHDAY_GIFT_POINTS"],
        referral_new_points=c["REFERRAL_NEW_POINTS"],
        referral_inviter_points=c["REFERRAL_INVITER_POINTS"],
        referral_monthly_cap=c["REFERRAL_MONTHLY_CAP"],
        referral_min_purchase_fen=c["REFERRAL_MIN_PURCHASE_FEN"],
    )


def kinds(setting: str | tuple | list) -> tuple[str, ...]:
    """Ledger entry kinds from a comma-separated setting (or a list of them)."""
    if isinstance(setting, str):
        setting = setting.split(",")
    return tuple(k.strip().lower() for k in setting if k.strip())
