"""What every request does before and after its view: each part is a plain function in the
module of its concern, called here from one hook per phase (and the request's id, given
first of all). Flask looks at every hook function on every request before it calls it, so
one hook costs less than several."""
from flask import Flask

from . import devices, requestlog, security


def register(app: Flask) -> None:
    """Install the hooks. Called after the guards, CSRFProtect and the limiter bind, so a
    request they refuse is refused first; but the request's id is given before all of them,
    so a refused request's answer and log line carry one too."""
    app.before_request_funcs.setdefault(None, []).insert(0, requestlog.start)
    app.before_request(before_the_view)
    app.after_request(after_the_view)


def before_the_view() -> None:
    security.end_idle_sessions()
    devices.read_device()


def after_the_view(response):
    # The order they had as hooks of their own (Flask runs after-request hooks last added
    # first): the log line, the device cookie, then the headers every response carries.
    response = requestlog.finish(response)
    response = devices.set_device(response)
    return security.secure_headers(response)
