"""Demo earning: the store whose till posts purchases, a monthly member day for everyone
and a double-points week for Gold and Platinum members that is running when loaded."""
from datetime import datetime, time, timedelta

from app.loyalty import campaigns, kiosks, stores

STORE_CODE, STORE_NAME = "SH001", "上海南京西路店"


def load(now: datetime, tz) -> None:
    stores.create_store(STORE_CODE, STORE_NAME, now=now)
    kiosks.create("入口自助机", STORE_CODE, now=now)
    today = now.astimezone(tz).date()

    def local(day) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz)

    campaigns.create(name="会员日双倍积分", name_en="Member day: double points",
                     description="每月 18 日，全场消费积分翻倍。",
                     description_en="On the 18th of every month, purchases earn double points.",
                     multiplier_pct=200, monthly_day=18, now=now,
                     starts_at=local(today - timedelta(days=365)),
                     ends_at=local(today + timedelta(days=730)))
    for tier in ("gold", "platinum"):
        campaigns.create(name="金卡及以上双倍积分周", name_en="Gold and above: double points week",
                         description="金卡、白金卡会员本周消费积分翻倍。",
                         description_en="Gold and Platinum members earn double points this week.",
                         multiplier_pct=200, tier_code=tier, now=now,
                         starts_at=local(today - timedelta(days=2)),
                         ends_at=local(today + timedelta(days=5)))
