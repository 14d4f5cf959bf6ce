"""Building an app once per test, for less: what does not change from one app to the next
is compiled once per test process.

Every test builds its own app, which would otherwise compile, again and again, two small
Python functions for each URL rule (werkzeug builds URLs with them) and every template it
renders (Jinja turns each into Python code). Both depend only on their source, so what was
compiled for an earlier app serves the later ones: the URLs and pages are unchanged."""
from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.routing import Rule


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
