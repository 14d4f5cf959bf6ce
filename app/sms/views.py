"""The development inbox: the latest messages the sandbox would have sent, with their codes."""
from flask import Blueprint, render_template

from . import sandbox

bp = Blueprint("dev_sms", __name__)


@bp.get("/dev/sms")
def inbox():
    return render_template("sms/dev_inbox.html", messages=sandbox.latest())
