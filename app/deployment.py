"""What is unsafe about a deployment's configuration, in words an operator can act on."""
import stat
from dataclasses import dataclass
from pathlib import Path

from .config import SECRET_KEY_FILE

PUBLISHED_SANDBOX_SECRET = "sandbox-signing-key"


@dataclass(frozen=True)
class Finding:
    setting: str
    problem: str
    fatal: bool = False   # a production server refuses to start with it


def findings(config, production: bool, instance_path: str | None = None) -> list[Finding]:
    """Every unsafe setting; in production the fatal ones stop the server from starting."""
    found = []
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < 32:
        found.append(Finding("SECRET_KEY", "is shorter than 32 characters: anyone could "
                             "guess it and forge sessions", fatal=True))
    kept = Path(instance_path or ".") / SECRET_KEY_FILE
    if instance_path and kept.exists() and kept.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        found.append(Finding("SECRET_KEY", f"is kept in {kept}, which other users of the "
                             "machine can read (chmod 600 it)", fatal=True))
    if config.get("DEBUG"):
        found.append(Finding("DEBUG", "is on: the debugger runs code from the browser",
                             fatal=True))
    if not config.get("SESSION_COOKIE_SECURE"):
        found.append(Finding("SESSION_COOKIE_SECURE", "is off: the session cookie also "
                             "travels over plain HTTP (set MALL_ENV=production)"))
    if config.get("PAYMENT_PROVIDER") == "sandbox":
        found.append(Finding("PAYMENT_PROVIDER", "is the sandbox: cash payments are "
                             "approved by a button, not collected", fatal=True))
        if config.get("SANDBOX_PAYMENT_SECRET") == PUBLISHED_SANDBOX_SECRET:
            found.append(Finding("SANDBOX_PAYMENT_SECRET", "is the published default: anyone "
                                 "can sign a payment notification", fatal=True))
    if config.get("SMS_PROVIDER", "sandbox") == "sandbox":
        found.append(Finding("SMS_PROVIDER", "is the sandbox: codes are written to the log "
                             "and the development inbox, never sent to members' phones",
                             fatal=True))
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        found.append(Finding("RATELIMIT_STORAGE_URI", "is memory://: each process counts "
                             "sign-in attempts alone, so N processes allow N times the limit "
                             "(leave it unset to count in the database, or set REDIS_URL)"))
    url = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if production and url.startswith("sqlite") and "/tmp/" in url:
        found.append(Finding("DATABASE_URL", "points into /tmp, which the machine may clear"))
    mall_url = str(config.get("MALL_URL", "https://"))
    if production and not mall_url.startswith("https://"):
        found.append(Finding("MALL_URL", "is not https: links in emails would be sent in "
                             "the clear"))
    return found


def staff_findings(unenrolled_admins: list[str], production: bool) -> list[Finding]:
    """In production every active administrator signs in to the console with two steps."""
    if not production or not unenrolled_admins:
        return []
    return [Finding("STAFF", "administrators without two-step sign-in: "
                    f"{', '.join(unenrolled_admins)} (each enrols at /admin/account, or "
                    "`flask staff deactivate` them)")]


def refuse_unsafe_start(config, production: bool, instance_path: str | None = None) -> None:
    """Stop a production server that would run with a forgeable secret, the debugger or
    payments that collect no cash."""
    fatal = [f for f in findings(config, production, instance_path) if f.fatal]
    if production and fatal:
        raise RuntimeError("Refusing to start in production: " +
                           "; ".join(f"{f.setting} {f.problem}" for f in fatal))
