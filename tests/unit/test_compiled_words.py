"""A template's constant words, translated when it is compiled for a language, read as Jinja's
gettext gives them at render: translated, escaped or not, formatted with `%`."""
import json
from pathlib import Path

import pytest
from babel import Locale
from flask_babel import force_locale, get_translations
from jinja2 import ChoiceLoader, DictLoader, nodes

from app import create_app
from app.web.templates import WORDS, LanguageBytecode
from tests.conftest import ROOT, _config

TEMPLATES = {
    "word.html": '{{ _("Home") }}',
    "hello.html": '{{ _("Hello, %(name)s", name=name) }}|{{ gettext("It\'s <i>%(name)s</i>", '
                  'name=name) }}',
    "hello.txt": '{{ _("Hello, %(name)s", name=name) }}',
    "percent.html": '{{ _("100%% yours") }}',
    "stray_percent.html": '{{ _("50%") }}',
    "loop.html": '{% for _ in range(2) %}{{ _ }}{% endfor %}{{ _("Home") }}',
    "macro.html": '{% macro m(gettext) %}{{ gettext("Home") }}{% endmacro %}{{ m(shout) }}|'
                  '{{ _("Home") }}',
    "page.html": '{% import "macros.html" as m %}{% include "word.html" %}|{{ m.home() }}',
    "macros.html": '{% macro home() %}{{ _("Home") }}{% endmacro %}',
}


@pytest.fixture(scope="module")
def mall():
    app = create_app(_config("sqlite://"))
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])
    return app


def render(mall, template: str, language: str, **context) -> str:
    with mall.test_request_context(), force_locale(language):
        return mall.jinja_env.get_template(template).render(**context)


def at_render(mall, template: str, language: str, **context) -> str:
    """The template as the environment itself compiles it, every word translated at render."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mall.jinja_env, "language_environment", lambda: None)
        return render(mall, template, language, **context)


def test_a_word_is_translated_when_the_template_is_compiled_for_each_language(mall):
    # `gettext` given as a variable would break any word still translated at render
    assert render(mall, "word.html", "zh_CN", gettext=None) == "首页"
    assert render(mall, "word.html", "en", gettext=None) == "Home"
    assert render(mall, "word.html", "zh_CN", gettext=None) == "首页"
    assert at_render(mall, "word.html", "zh_CN") == "首页"
    assert set(mall.jinja_env.languages) >= {Locale.parse("zh_CN"), Locale.parse("en")}


def test_a_words_variables_are_escaped_and_its_own_text_is_not(mall):
    assert render(mall, "hello.html", "zh_CN", name="<b>") == (
        "&lt;b&gt;，您好|It's <i>&lt;b&gt;</i>")
    assert render(mall, "hello.html", "en", name="<b>") == "Hello, &lt;b&gt;|It's <i>&lt;b&gt;</i>"
    for language in ("zh_CN", "en"):
        assert render(mall, "hello.html", language, name="<b>") == at_render(
            mall, "hello.html", language, name="<b>")


def test_a_plain_text_template_leaves_a_words_variables_as_they_are(mall):
    assert render(mall, "hello.txt", "zh_CN", name="<b>") == "<b>，您好"
    assert at_render(mall, "hello.txt", "zh_CN", name="<b>") == "<b>，您好"


def test_a_doubled_percent_sign_in_a_word_shows_as_one(mall):
    assert render(mall, "percent.html", "en") == "100% yours"
    assert at_render(mall, "percent.html", "en") == "100% yours"


def test_a_word_with_a_stray_percent_sign_fails_at_render_as_before(mall):
    for read in (render, at_render):
        with pytest.raises(ValueError):
            read(mall, "stray_percent.html", "en")


def test_a_template_that_gives_the_translators_name_to_a_variable_still_renders(mall):
    assert render(mall, "loop.html", "zh_CN") == "01首页"
    assert render(mall, "macro.html", "en", shout=str.upper) == "HOME|Home"


def test_imports_and_includes_are_compiled_for_the_pages_language(mall):
    assert render(mall, "page.html", "en") == "Home|Home"
    assert render(mall, "page.html", "zh_CN") == "首页|首页"
    english = mall.jinja_env.languages[Locale.parse("en")]
    assert {"page.html", "word.html", "macros.html"} <= {name for _, name in english.cache}


def test_a_template_rendered_outside_a_request_translates_its_words_as_before(mall):
    with mall.app_context():
        with force_locale("en"):
            assert mall.jinja_env.get_template("word.html").render() == "Home"
        with force_locale("zh_CN"):
            assert mall.jinja_env.get_template("word.html").render() == "首页"
        assert mall.jinja_env.get_template("percent.html").environment is mall.jinja_env


def test_each_language_keeps_its_compiled_templates_apart_in_a_bytecode_cache(mall):
    keys = {}
    for language in ("zh_CN", "en", "zh_CN"):
        with mall.test_request_context(), force_locale(language):
            keys.setdefault(language, set()).add(
                LanguageBytecode(None, get_translations()).words_key)
    assert len(keys["zh_CN"]) == 1 and keys["zh_CN"] != keys["en"]


def every_constant_word(mall) -> list[tuple[str, tuple[str, ...]]]:
    """Each `_("…")` and `gettext("…")` of the mall's templates, with its keywords' names."""
    found = set()
    for path in Path(ROOT, "templates").rglob("*.*"):
        template = mall.jinja_env.parse(path.read_text(encoding="utf-8"))
        for call in template.find_all(nodes.Call):
            if (isinstance(call.node, nodes.Name) and call.node.name in WORDS
                    and len(call.args) == 1 and isinstance(call.args[0], nodes.Const)):
                found.add((call.args[0].value, tuple(kw.key for kw in call.kwargs)))
    return sorted(found)


def test_every_word_of_the_mall_reads_the_same_compiled_as_translated_at_render(mall):
    words = every_constant_word(mall)
    assert len(words) > 300
    TEMPLATES["every_word.html"] = "\n".join(
        "{{ _(%s%s) }}" % (json.dumps(word), "".join(f", {key}=7" for key in keys))
        for word, keys in words)
    for language in ("zh_CN", "en"):
        compiled = render(mall, "every_word.html", language, gettext=None).split("\n")
        assert compiled == at_render(mall, "every_word.html", language).split("\n")
        assert len(compiled) == len(words)


def test_a_template_edited_while_debugging_is_compiled_again_for_its_language(mall):
    TEMPLATES["edited.html"] = '{{ _("Home") }}'
    assert render(mall, "edited.html", "en") == "Home"
    TEMPLATES["edited.html"] = '{{ _("Catalog") }}'
    assert render(mall, "edited.html", "en") == "Home"   # not reloaded, as Jinja does
    mall.jinja_env.auto_reload = True
    try:
        assert render(mall, "edited.html", "en") == "Catalog"
    finally:
        mall.jinja_env.auto_reload = False
