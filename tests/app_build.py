"""Building apps for tests, for less: one app per test process and database, put back
before each test as it was built; and what does not change from one app to the next is
compiled once per test process.

A fresh app per test costs a few tens of milliseconds to build, and its engine comes with an
empty cache of compiled SQL statements, so every statement a test runs was compiled again
(about a fifth of a database test's time). Tests that build an app of their own (`own_app`,
or create_app with settings of their own) still do so, and each of those would otherwise
compile, again and again, two small Python functions for each URL rule (werkzeug builds URLs
with them) and every template it renders (Jinja turns each into Python code). Both depend
only on their source, so what was compiled for an earlier app serves the later ones: the
URLs and pages are unchanged."""
import copy
import logging

from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.routing import Rule

from app import program_source
from app.extensions import limiter


class CompiledOnceRule(Rule):
    builders: dict = {}

    def _compile_builder(self, append_unknown: bool = True):
        if self.defaults:  # a default is folded into the builder: compile it as it comes
            return super()._compile_builder(append_unknown)
        key = (self.rule, self.subdomain, self.host, tuple(self._trace), append_unknown)
        builder = self.builders.get(key)
        if builder is None:
            builder = self.builders[key] = super()._compile_builder(append_unknown)
        return builder


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the process; Jinja checks each against its
    source's checksum, so an edited template is compiled again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def compile_once_per_process() -> None:
    Flask.url_rule_class = CompiledOnceRule
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": ProcessBytecodeCache()}


class ReusedApp:
    """An app shared by the tests of one process on one database, one after another.

    What a test may change in it is put back before the next: its configuration (as built)
    and attributes (such as `instance_path`); the program it runs from that configuration
    and the stored settings (built afresh, so nothing read from an earlier test's database
    is kept); the rate limiter's settings (one limiter serves every app of the process, and
    an app a test builds with settings of its own binds it to those); and the loggers it
    switched on (running the migrations switches every other logger off, and a freshly built
    app switches its own on again). Requests keep nothing else between them: each runs in
    its own context, the session is in the client's cookie, and the counters of sign-in
    failures are rows of the database, which is reset after every test."""

    def __init__(self, app: Flask):
        self.app = app
        self.config = copy.deepcopy(dict(app.config))
        self.limiter = dict(vars(limiter))
        self.attributes = dict(vars(app))
        self.loggers = {name: logger.disabled for name, logger in
                        logging.root.manager.loggerDict.items()
                        if isinstance(logger, logging.Logger)}

    def restore(self) -> None:
        if dict(self.app.config) != self.config:
            self.app.config.clear()
            self.app.config.update(copy.deepcopy(self.config))
        program_source.install(self.app)
        vars(limiter).update(self.limiter)
        for name, value in self.attributes.items():
            if vars(self.app).get(name) is not value and name != "_got_first_request":
                setattr(self.app, name, value)
        for name, disabled in self.loggers.items():
            logging.getLogger(name).disabled = disabled
