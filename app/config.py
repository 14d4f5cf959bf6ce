"""Settings from environment variables, in one place."""
import os
from pathlib import Path


class Config:
    """Defaults for running the mall on one machine with SQLite."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # filled in by create_app
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("MALL_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh_CN", "en")
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default; tests use a cheap one
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # The points program. Ratios stay round: 100 points = ¥1, ¥1 spent = 1 point.
    MALL_NAME = os.environ.get("MALL_NAME", "Points Mall")
    POINTS_PER_YUAN = int(os.environ.get("POINTS_PER_YUAN", "100"))
    EARN_POINTS_PER_YUAN = int(os.environ.get("EARN_POINTS_PER_YUAN", "1"))
    EXPIRY_MONTHS = int(os.environ.get("EXPIRY_MONTHS", "12"))
    REFUND_GRACE_DAYS = int(os.environ.get("REFUND_GRACE_DAYS", "30"))
    CANCEL_WINDOW_HOURS = int(os.environ.get("CANCEL_WINDOW_HOURS", "24"))
    PAYMENT_WINDOW_MINUTES = int(os.environ.get("PAYMENT_WINDOW_MINUTES", "15"))
    EXPIRY_SOON_DAYS = int(os.environ.get("EXPIRY_SOON_DAYS", "30"))
    LOW_STOCK = int(os.environ.get("LOW_STOCK", "10"))
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "sandbox")
    SANDBOX_PAYMENT_SECRET = os.environ.get("SANDBOX_PAYMENT_SECRET", "sandbox-signing-key")


def sqlite_url(instance_path: str) -> str:
    """The embedded default: a SQLite file under instance/."""
    return "sqlite:///" + str(Path(instance_path) / "mall.sqlite3")
