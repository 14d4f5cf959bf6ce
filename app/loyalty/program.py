"""The program's settings as the core sees them, read from the app's configuration."""
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app


@dataclass(frozen=True)
class Program:
    points_per_yuan: int = 100
    earn_points_per_yuan: int = 1
    expiry_months: int = 12
    refund_grace_days: int = 30
    cancel_window_hours: int = 24
    payment_window_minutes: int = 15
    expiry_soon_days: int = 30
    low_stock: int = 10
    timezone: str = "Asia/Shanghai"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def worth_fen(self, points: int) -> int:
        """What points are worth in the mall, in fen (rounded down)."""
        return points * 100 // self.points_per_yuan


def program() -> Program:
    """The running app's program settings."""
    c = current_app.config
    return Program(
        points_per_yuan=c["POINTS_PER_YUAN"],
        earn_points_per_yuan=c["EARN_POINTS_PER_YUAN"],
        expiry_months=c["EXPIRY_MONTHS"],
        refund_grace_days=c["REFUND_GRACE_DAYS"],
        cancel_window_hours=c["CANCEL_WINDOW_HOURS"],
        payment_window_minutes=c["PAYMENT_WINDOW_MINUTES"],
        expiry_soon_days=c["EXPIRY_SOON_DAYS"],
        low_stock=c["LOW_STOCK"],
        timezone=c["BABEL_DEFAULT_TIMEZONE"],
    )
