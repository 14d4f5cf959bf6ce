"""The design card's stack alone, served as the mall is: what a signed-in page costs before
anything of the mall's own, to set the member pages' shares of hello against.

Flask, Flask-Login (its cookie session, the member loaded on each request by one Core read
of the bench database's `members` table, with the mall's engine settings), Flask-WTF's CSRF
protection, Flask-Babel and a Jinja template compiled once; no guards, no request log, no
security headers, no wallet, no bell. Two pages, as `bench.floored` has for the mall:
`/frame`, a signed-in request that answers nothing, and `/layout`, a small page with the
member's balance as a formatted number, a CSRF token and six links.

    DATABASE_URL=sqlite:///bench/data/run.sqlite3 gunicorn --workers 2 bench.stack:app

`/sign-in/<member id>` signs that member in without a password, for requests from loopback
only: this app is the bench's alone, never the mall.
"""
import os

from flask import Flask, abort, render_template, request
from flask_babel import Babel, format_decimal
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from jinja2 import DictLoader
from sqlalchemy import text

from app.database import configure_engine

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ _("Points") }}</title></head>
<body hx-headers='{"X-CSRFToken": "{{ csrf }}"}'>
<header><a href="{{ url_for('layout') }}">{{ _("Home") }}</a>
<span>{{ balance }} {{ _("points") }}</span></header>
<nav>{% for n in range(6) %}<a href="{{ url_for('layout', tab=n) }}">{{ n }}</a>{% endfor %}</nav>
<main></main></body></html>"""
MEMBER = text("SELECT id, points_balance FROM members WHERE id = :member_id")


class Member(UserMixin):
    def __init__(self, member_id: int, balance: int):
        self.id, self.balance = member_id, balance


app = Flask("stack")
# One key for both workers: each imports this module on its own.
app.config.update(SECRET_KEY="bench-stack",
                  SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
                  BABEL_DEFAULT_LOCALE="zh_CN")
app.jinja_loader = DictLoader({"page.html": PAGE})
db = SQLAlchemy(app)
login_manager = LoginManager(app)
CSRFProtect(app)
Babel(app)
with app.app_context():
    configure_engine(db.engine)


@login_manager.user_loader
def load_member(member_id: str) -> Member | None:
    row = db.session.connection().execute(MEMBER, {"member_id": int(member_id)}).first()
    return Member(*row) if row else None


@app.get("/sign-in/<int:member_id>")
def sign_in(member_id: int):
    if request.remote_addr != "127.0.0.1":   # the bench's own requests, on loopback
        abort(403)
    member = load_member(str(member_id))
    if member is None:
        return "no such member", 404
    login_user(member)
    return "signed in"


@app.get("/frame")
@login_required
def frame():
    return ""


@app.get("/layout")
@login_required
def layout():
    return render_template("page.html", balance=format_decimal(current_user.balance),
                           csrf=generate_csrf())
