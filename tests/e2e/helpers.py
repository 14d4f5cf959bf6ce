"""What the browser tests share: members, signing in, reading numbers, viewports."""
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "correct-horse-42"
START_POINTS = 12_000
QUALIFYING = 1_250  # of START_POINTS, earned from purchases: Silver, part-way to Gold
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
KIOSK = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True}


@dataclass(frozen=True)
class Member:
    id: int
    phone: str
    password: str = PASSWORD


def points(text: str) -> int:
    """'12,000' -> 12000: the balance as the page shows it."""
    return int(text.strip().replace(",", ""))


def sign_in(page, member: Member, password: str | None = None) -> None:
    page.goto("/login")
    page.locator("#phone").fill(member.phone)
    page.locator("#password").fill(password or member.password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def tap(locator, phone: bool) -> None:
    """Tap on a touch device, click elsewhere."""
    if phone:
        locator.tap()
    else:
        locator.click()
