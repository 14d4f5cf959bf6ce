"""Settings from environment variables, in one place."""
import os
import secrets
from collections.abc import Mapping
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

from .loyalty.program import Program, setting_name

SECRET_KEY_FILE = "secret_key"


class Config:
    """Defaults for running the mall on one machine with SQLite."""

    # Without SECRET_KEY, a random secret of this installation's own, kept under instance/.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # filled in by create_app
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    BABEL_DEFAULT_LOCALE = "zh_CN"
    LANGUAGES = ("zh_CN", "en")
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default; tests use a cheap one
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    # Staff in the console are signed out after this long without a request.
    STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "15"))
    REMEMBER_COOKIE_DURATION = timedelta(days=30)   # absolute: not renewed on each visit
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sign-in attempts that fail, per phone number from one address, and per address.
    SIGN_IN_LIMITS = os.environ.get("SIGN_IN_LIMITS", "5 per minute; 20 per hour")
    SIGN_IN_LIMITS_PER_ADDRESS = os.environ.get("SIGN_IN_LIMITS_PER_ADDRESS", "300 per hour")
    # Refused phone-and-PIN sign-ins at the kiosks: per kiosk, and per phone number tried.
    KIOSK_PIN_LIMITS = os.environ.get("KIOSK_PIN_LIMITS", "10 per minute; 60 per hour")
    KIOSK_PIN_LIMITS_PER_PHONE = os.environ.get("KIOSK_PIN_LIMITS_PER_PHONE",
                                                "10 per minute; 30 per hour")
    # Member look-ups by number (GET /api/v1/members/<no>), per store API key.
    MEMBER_LOOKUP_LIMITS = os.environ.get("MEMBER_LOOKUP_LIMITS", "60 per minute")
    # Where the limits count: the mall's own database by default, shared by every process of
    # one installation (app/web/rate_limits.py); Redis, shared by many machines, if REDIS_URL
    # is set. memory:// counts in each process alone.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "database://")
    RATELIMIT_HEADERS_ENABLED = True
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))  # 1 behind one nginx
    # A redemption above this many points asks for the password again if it was last
    # entered longer ago than REAUTH_MINUTES.
    REAUTH_ABOVE_POINTS = int(os.environ.get("REAUTH_ABOVE_POINTS", "20000"))
    REAUTH_MINUTES = int(os.environ.get("REAUTH_MINUTES", "10"))
    # A kiosk warns after KIOSK_IDLE_SECONDS without a touch and ends the member's session
    # KIOSK_WARNING_SECONDS later; the server ends it too, after both.
    KIOSK_IDLE_SECONDS = int(os.environ.get("KIOSK_IDLE_SECONDS", "45"))
    KIOSK_WARNING_SECONDS = int(os.environ.get("KIOSK_WARNING_SECONDS", "15"))
    # Card codes tried on one kiosk (wrong or right) before it is slowed down.
    KIOSK_CODE_LIMITS = os.environ.get("KIOSK_CODE_LIMITS", "10 per minute; 100 per hour")

    # The points program's settings (POINTS_PER_YUAN, EXPIRY_POLICY, ...) come from
    # program_settings() below; their defaults and rules are in app/loyalty/program.py.
    MALL_NAME = os.environ.get("MALL_NAME", "Points Mall")
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "sandbox")
    SANDBOX_PAYMENT_SECRET = os.environ.get("SANDBOX_PAYMENT_SECRET", "sandbox-signing-key")
    # Who sends the SMS codes of joining, signing in with a code and resetting a password.
    # "sandbox" sends nothing: messages are logged and shown at /dev/sms (never in production).
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "sandbox")

    # Email: reminders (REMINDER_DAYS) link only to the mall itself, at MALL_URL.
    MALL_URL = os.environ.get("MALL_URL", "http://127.0.0.1:5000")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "false").lower() in ("1", "true", "yes")
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "10"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Points Mall <no-reply@localhost>")


def program_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """Every program setting by name (the Program's field in capitals, e.g. EXPIRY_POLICY,
    or MALL_TIMEZONE): its default, or the environment's value in its place. Whole numbers
    are read as such; the Program refuses at start-up, by name, what it cannot follow."""
    if "EARN_POINTS_PER_YUAN" in environ and "EARN_POINTS" not in environ:
        # The earn rate's older, whole-number form: N points for every ¥1.
        environ = {"EARN_PER_YUAN": "1", **environ, "EARN_POINTS": environ["EARN_POINTS_PER_YUAN"]}
    settings = {}
    for setting in fields(Program):
        name = setting_name(setting)
        value = environ.get(name, setting.default)
        if setting.type is int and isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                pass  # refused, by name, when the app starts
        settings[name] = value
    return settings


class ProductionConfig(Config):
    """MALL_ENV=production: secure cookies under the __Host- prefix (HTTPS only, no Domain,
    Path=/), and a refusal to start with the development secret or with debug on."""

    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "__Host-remember"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


def config_class() -> type[Config]:
    return ProductionConfig if os.environ.get("MALL_ENV") == "production" else Config


def sqlite_url(instance_path: str) -> str:
    """The embedded default: a SQLite file under instance/."""
    return "sqlite:///" + str(Path(instance_path) / "mall.sqlite3")


def instance_secret(folder: str) -> str:
    """This installation's own signing secret: made at random on first start and kept in
    `folder`, readable by its owner only. Processes starting at the same moment agree on
    one, because the file appears whole or not at all (a link, which never overwrites)."""
    path = Path(folder) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret: delete it to make a new one")
    return secret
