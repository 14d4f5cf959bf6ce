"""Text messages to members' phones, behind one small interface.

`SMS_PROVIDER` names the sender. `sandbox` (the default) sends nothing: each message is
logged with the phone masked and kept for the development inbox at /dev/sms, which exists
only with the sandbox and outside production (`flask deploy check` refuses the sandbox in
production). A gateway such as Aliyun SMS (dysmsapi) or Tencent Cloud SMS can be added
later as another class with the same `send` method, chosen here by its name."""
from typing import Protocol

from flask import Flask, current_app

from app.config import ProductionConfig, config_class


class SmsSender(Protocol):
    name: str

    def send(self, phone: str, text: str) -> None:
        """Deliver `text` to the mainland mobile number `phone`; raises SmsFailed if the
        gateway refuses it."""


class SmsFailed(Exception):
    """The gateway did not take the message."""


def sender() -> SmsSender:
    """The sender this mall is set up with."""
    name = current_app.config["SMS_PROVIDER"]
    if name == "sandbox":
        from .sandbox import SandboxSms
        return SandboxSms()
    raise RuntimeError(f"unknown SMS provider {name!r}")


def dev_inbox_enabled(app: Flask) -> bool:
    """The development inbox shows everyone's codes: only with the sandbox, never in
    production."""
    return (app.config.get("SMS_PROVIDER") == "sandbox"
            and not issubclass(config_class(), ProductionConfig))


def register(app: Flask) -> None:
    from . import sandbox, views

    sandbox.setup_log()
    if dev_inbox_enabled(app):
        app.register_blueprint(views.bp)
