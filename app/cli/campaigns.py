"""flask campaigns: bonus multipliers for a window, a tier, a category or a monthly day."""
import sys
from datetime import date, datetime, time, timedelta, timezone

import click
from flask import Flask

from app.loyalty import campaigns
from app.loyalty.errors import DomainError
from app.loyalty.models import utcnow
from app.loyalty.program import running_program


def moment(value: str, end: bool = False) -> datetime:
    """An ISO date (local midnight; with `end`, the end of that local day) or date-time
    (local time unless it has an offset), as UTC."""
    tz = running_program().tz
    try:
        day = date.fromisoformat(value)
    except ValueError:
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+08:00]") from None
        at = at if at.tzinfo else at.replace(tzinfo=tz)
        return at.astimezone(timezone.utc)
    return datetime.combine(day + timedelta(days=1 if end else 0), time.min,
                            tzinfo=tz).astimezone(timezone.utc)


def register(app: Flask) -> None:
    @app.cli.group("campaigns")
    def campaigns_group():
        """Bonus-points campaigns."""

    @campaigns_group.command("create")
    @click.option("--name", required=True, help="Name in Chinese.")
    @click.option("--name-en", required=True, help="Name in English.")
    @click.option("--description", default="", help="Description in Chinese.")
    @click.option("--description-en", default="", help="Description in English.")
    @click.option("--multiplier", type=int, default=200, show_default=True,
                  help="Bonus in percent: 200 doubles points.")
    @click.option("--starts", required=True, help="First day (local) or date-time.")
    @click.option("--ends", required=True, help="Last day (local, included) or end date-time.")
    @click.option("--monthly-day", type=int, default=None,
                  help="Run only on this local day of each month (1-28).")
    @click.option("--tier", default=None, help="Only for members of this tier (code).")
    @click.option("--category", default=None, help="Only for purchase lines of this category.")
    def campaigns_create(name, name_en, description, description_en, multiplier, starts, ends,
                         monthly_day, tier, category):
        """Add a campaign. Bonuses don't stack: a purchase line gets the best one."""
        try:
            c = campaigns.create(name=name, name_en=name_en, description=description,
                                 description_en=description_en, multiplier_pct=multiplier,
                                 starts_at=moment(starts), ends_at=moment(ends, end=True),
                                 monthly_day=monthly_day, tier_code=tier, category=category)
        except DomainError as error:
            click.echo(f"Refused: {error.details.get('field')}: {error.details.get('reason')}",
                       err=True)
            sys.exit(1)
        click.echo(f"Campaign {c.id} ({c.name_en}, {c.multiplier_pct}%) created.")

    @campaigns_group.command("list")
    def campaigns_list():
        """Campaigns running now and starting within 30 days."""
        program = running_program()
        running, upcoming = campaigns.listing(utcnow(), program, None)
        for title, views in (("Running", running), ("Upcoming", upcoming)):
            click.echo(f"{title}:")
            for v in views:
                where = ", ".join(filter(None, [v.tier.code if v.tier else "all tiers",
                                                v.category and f"category {v.category}",
                                                v.monthly_day and f"day {v.monthly_day} monthly"]))
                click.echo(f"  {v.id}\t{v.name_en}\t{v.multiplier_pct}%\t{where}\t"
                           f"{v.starts.astimezone(program.tz):%Y-%m-%d %H:%M} - "
                           f"{v.ends.astimezone(program.tz):%Y-%m-%d %H:%M}")
            if not views:
                click.echo("  none")
