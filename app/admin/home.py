"""The console's start page: an overview for administrators, the counter for clerks."""
from flask import g, render_template

from app.loyalty import console
from app.loyalty.models import ADMIN, CLERK, utcnow
from app.loyalty.program import running_program
from .console import bp, for_roles


@bp.get("/")
@for_roles(ADMIN, CLERK)
def home():
    overview = console.overview(utcnow(), running_program().tz) if g.staff.is_admin else None
    return render_template("admin/home.html", overview=overview)
