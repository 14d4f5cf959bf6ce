"""Where the core reads the running program and the password hashing method from: the
application's configuration, read and checked when the application starts."""
from collections.abc import Mapping

from flask import Flask, current_app

from app.loyalty import accounts
from app.loyalty import program as core
from app.loyalty.program import Program, defaults

NAMES = tuple(defaults())   # every program setting's name


class ProgramSettings:
    """The program one application runs, built from its configuration when it starts (a
    setting the program cannot follow stops the start) and built again only when the
    configuration's program settings change. A settings table edited by staff would be read
    here instead, kept for a few seconds between reads."""

    def __init__(self, config: Mapping[str, object]):
        self._config = config
        self._read: dict[str, object] | None = None
        self._program: Program | None = None

    def current(self) -> Program:
        read = {name: self._config[name] for name in NAMES if name in self._config}
        if read != self._read:
            self._program, self._read = Program.from_settings(read), read
        return self._program


def install(app: Flask) -> Program:
    """Build `app`'s program from its configuration and have the core read it from there."""
    settings = ProgramSettings(app.config)
    running = settings.current()
    app.extensions["program"] = settings
    core.use(_running_program)
    accounts.use_password_hashing(_password_hash_method)
    return running


def _running_program() -> Program:
    return current_app.extensions["program"].current()


def _password_hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]
