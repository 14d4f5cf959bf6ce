"""The development inbox: the latest messages the sandbox would have sent, with their codes.
It shows everyone's codes, so only someone at the machine itself may read it."""
from ipaddress import ip_address

from flask import Blueprint, abort, render_template, request

from . import sandbox

bp = Blueprint("dev_sms", __name__)


@bp.get("/dev/sms")
def inbox():
    if not _from_this_machine(request.remote_addr):
        abort(404)
    return render_template("sms/dev_inbox.html", messages=sandbox.latest())


def _from_this_machine(address: str | None) -> bool:
    try:
        return ip_address(address or "").is_loopback
    except ValueError:
        return False
