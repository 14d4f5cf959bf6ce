"""The mall's template environment: a template's globals (Jinja's own over the environment's,
their names given as a dict's), and what `{{ … }}` writes (markupsafe's escaped text)."""
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import DictLoader
from markupsafe import Markup, escape

from app.web.templates import LanguageEnvironment, write_escaped

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


class Html:
    """An object that gives its own HTML, as a form field or a Markup does."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __html__(self) -> str:
        return self.text


VALUES = st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans(),
                   st.text().map(Markup), st.text().map(Html))


@given(VALUES)
def test_what_a_template_writes_is_markupsafes_escaped_text(value):
    assert write_escaped(value) == str(escape(value))


def test_a_page_escapes_what_it_writes_and_writes_markup_as_it_is():
    env = LanguageEnvironment(Flask(__name__), loader=DictLoader({
        "page.html": "{{ text }}|{{ number }}|{{ safe }}|{{ text|safe }}|{{ none }}",
        "mail.txt": "{{ text }}"}), autoescape=lambda name: name.endswith(".html"))
    values = {"text": '<a href="x">Tom & \'Jerry\'</a>', "number": 12_000,
              "safe": Markup("<b>bold</b>"), "none": None}

    assert env.get_template("page.html").render(values) == (
        "&lt;a href=&#34;x&#34;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;|12000|<b>bold</b>|"
        '<a href="x">Tom & \'Jerry\'</a>|None')
    assert env.get_template("mail.txt").render(values) == values["text"]
    assert env.get_template("page.html").root_render_func.__globals__["escape"] is write_escaped
