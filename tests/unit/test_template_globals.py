"""A template's globals: Jinja's own over the environment's, their names given as a dict's."""
from flask import Flask
from jinja2 import DictLoader

from app.web.templates import LanguageEnvironment

TEMPLATES = {
    "macros.html": "{% macro hello() %}{{ greeting }}, {{ name|default('nobody') }}{% endmacro %}",
    "page.html": "{% import 'macros.html' as m %}{{ m.hello() }}",
}


def environment() -> LanguageEnvironment:
    env = LanguageEnvironment(Flask(__name__), loader=DictLoader(TEMPLATES))
    env.globals["greeting"] = "Hi"
    return env


def test_a_templates_global_names_are_its_own_and_the_environments():
    env = environment()
    template = env.get_template("page.html", globals={"name": "Li"})

    assert set(template.globals.keys()) == set(env.globals) | {"name"}
    assert template.globals["name"] == "Li" and template.globals["greeting"] == "Hi"


def test_a_global_the_environment_gains_after_a_template_is_loaded_is_seen_by_it():
    env = environment()
    template = env.get_template("macros.html")
    env.globals["late"] = 1

    assert "late" in template.globals.keys() and template.globals["late"] == 1


def test_an_imported_macro_sees_the_globals_of_the_page_that_imports_it():
    env = environment()

    assert env.get_template("page.html", globals={"name": "Li"}).render() == "Hi, Li"
    assert env.from_string("{% import 'macros.html' as m %}{{ m.hello() }}").render() \
        == "Hi, nobody"
