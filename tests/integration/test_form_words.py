"""WTForms' own words (its validators' messages) speak the request's language, and each
language's catalogue is read once for the process, not once a request."""
import pytest
from babel import support
from flask_babel import force_locale
from wtforms import IntegerField

from app.web import forms
from app.web.forms import Form


class Quantity(Form):
    quantity = IntegerField()


def refused_number(app, language: str) -> str:
    with app.test_request_context(method="POST", data={"quantity": "<script>"}), \
            force_locale(language):
        form = Quantity(meta={"csrf": False})
        assert not form.validate()
        return form.quantity.errors[0]


@pytest.mark.parametrize("language, words", [("zh_CN", "不是有效的整数"),
                                             ("en", "Not a valid integer")])
def test_a_wtforms_message_is_in_the_requests_language(app, language, words):
    assert words in refused_number(app, language)


def test_each_language_s_wtforms_catalogue_is_read_once_however_many_forms(app, monkeypatch):
    reads = []
    load = support.Translations.load
    monkeypatch.setattr(support.Translations, "load",
                        lambda *a, **k: reads.append(a) or load(*a, **k))
    forms._catalogue.cache_clear()

    for _ in range(3):
        for language in ("zh_CN", "en"):
            refused_number(app, language)

    assert len(reads) == 2
