"""Where the core reads the running program and the password hashing method from: the
application's configuration, with the settings staff set in the console over it."""
import math
import time
from collections.abc import Callable, Mapping

from flask import Config, Flask, current_app
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.extensions import db
from app.loyalty import accounts
from app.loyalty import program as core
from app.loyalty import settings as stored_settings
from app.loyalty.program import Program, defaults

NAMES = tuple(defaults())   # every program setting's name
RELOAD_SECONDS = 5          # how long a process keeps the stored settings before asking again


class CountedConfig(Config):
    """An application's configuration that counts its changes, so that what is built from it
    is built again only after one."""

    changes = 0

    def _changed(self) -> None:
        self.changes += 1

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other):
        result = super().__ior__(other)
        self._changed()
        return result

    def update(self, *args, **kwargs) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key, default=None):
        result = super().setdefault(key, default)
        self._changed()
        return result

    def pop(self, *args):
        result = super().pop(*args)
        self._changed()
        return result

    def popitem(self):
        result = super().popitem()
        self._changed()
        return result

    def clear(self) -> None:
        super().clear()
        self._changed()


class ProgramSettings:
    """The program one application runs: its configuration's settings (checked when it
    starts: a setting the program cannot follow stops the start) with the settings staff
    stored over them. The stored settings are asked after at most every `every` seconds,
    by their version alone, and read again only when it has moved; so every process
    follows a change within that time, and the process that made it at once (`forget`).
    The program is built again only when what it is built from changes, and refused whole
    (ValueError naming the setting) when it cannot be followed. A configuration that counts
    its changes (CountedConfig) is looked through again only after one."""

    def __init__(self, config: Mapping[str, object],
                 read_stored: Callable[[int | None], tuple[int, dict] | None] | None = None,
                 every: float = RELOAD_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._config, self._read_stored = config, read_stored
        self._every, self._clock = every, clock
        self._version: int | None = None
        self._stored: dict[str, object] = {}
        self._asked = -math.inf
        self._read: dict[str, object] | None = None
        self._program: Program | None = None
        self._seen: tuple[int, int | None] | None = None

    def configured(self) -> dict[str, object]:
        """The configuration's program settings, by name."""
        return {name: self._config[name] for name in NAMES if name in self._config}

    def current(self) -> Program:
        self._follow_stored()
        changes = getattr(self._config, "changes", None)
        if changes is not None and (changes, self._version) == self._seen:
            return self._program
        read = {**self.configured(), **self._stored}
        if read != self._read:
            self._program, self._read = Program.from_settings(read), read
        if changes is not None:
            self._seen = (changes, self._version)
        return self._program

    def forget(self) -> None:
        """Ask after the stored settings at the next read (they have just changed here)."""
        self._asked = -math.inf

    def _follow_stored(self) -> None:
        if self._read_stored is None or self._clock() - self._asked < self._every:
            return
        self._asked = self._clock()
        found = self._read_stored(self._version)
        if found is not None:
            self._version, self._stored = found


def read_stored(known: int | None) -> tuple[int, dict] | None:
    """The stored settings' version and, if it is not `known`, the settings themselves; None
    before the database has its tables (a process that is about to migrate it)."""
    try:
        with db.engine.connect() as connection:
            version = stored_settings.version(connection)
            if version == known:
                return None
            return version, stored_settings.stored(connection)
    except (OperationalError, ProgrammingError):
        return None


def install(app: Flask) -> Program:
    """Build `app`'s program from its configuration and have the core read it from there,
    with the stored settings over it once the database is bound."""
    settings = ProgramSettings(app.config, read_stored,
                               every=app.config.get("PROGRAM_RELOAD_SECONDS", RELOAD_SECONDS))
    running = Program.from_settings(settings.configured())
    app.extensions["program"] = settings
    core.use(_running_program)
    accounts.use_password_hashing(_password_hash_method)
    return running


def running_settings() -> ProgramSettings:
    """This application's program settings (to read what is configured, or to `forget`)."""
    return current_app.extensions["program"]


def _running_program() -> Program:
    return current_app.extensions["program"].current()


def _password_hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]
