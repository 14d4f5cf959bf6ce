"""The base of the mall's forms: Flask-WTF's, with WTForms' own words (the messages of its
validators and the labels it makes up for unlabelled fields) in the request's language.

Flask-WTF reads WTForms' catalogue from disk once in every request that builds a form; here
each language's catalogue is read once for the process, as the mall's own words are."""
from functools import lru_cache

from babel import Locale, support
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from .request_babel import request_locale


@lru_cache(maxsize=8)
def _catalogue(locale: Locale | None) -> support.NullTranslations:
    if locale is None:
        return support.NullTranslations()
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Words:
    """WTForms' words in the request's language (WTForms asks for gettext and ngettext)."""

    def gettext(self, string: str) -> str:
        return _catalogue(request_locale()).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalogue(request_locale()).ungettext(singular, plural, n)


WORDS = _Words()


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return WORDS
