"""Every refusal of the core has its own sentence for members, in Chinese and in English."""
import importlib
import pkgutil

import pytest
from flask_babel import force_locale

import app.loyalty
from app import create_app
from app.loyalty.errors import DomainError
from app.web.messages import describe
from tests.conftest import _config

# What the sentences of refusals with details read from them.
DETAILS = {"short": 120, "limit": 2, "maximum": 10, "seconds": 30, "reason": "wrong",
           "tries_left": 2}


def _every_refusal() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(app.loyalty.__path__, "app.loyalty."):
        importlib.import_module(module.name)
    found, waiting = [], [DomainError]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            found.append(subclass)
            waiting.append(subclass)
    return sorted(found, key=lambda cls: cls.code)


@pytest.fixture(scope="module")
def mall():
    return create_app(_config("sqlite://"))


def _words(mall, refusal: type[DomainError], locale: str) -> str:
    with mall.test_request_context(), force_locale(locale):
        return describe(refusal(**DETAILS))


def test_the_core_has_refusals_to_word():
    assert len(_every_refusal()) > 20


@pytest.mark.parametrize("refusal", _every_refusal(), ids=lambda cls: cls.code)
def test_every_refusal_has_a_sentence_of_its_own_in_english_and_chinese(mall, refusal):
    with mall.test_request_context(), force_locale("en"):
        fallback = describe(DomainError())
    english, chinese = _words(mall, refusal, "en"), _words(mall, refusal, "zh_CN")
    assert english != fallback, f"{refusal.__name__} ({refusal.code}) has no words"
    assert chinese != english, f"{refusal.__name__} ({refusal.code}) has no Chinese words"


def test_no_two_refusals_share_a_sentence(mall):
    refusals = [r for r in _every_refusal()]
    sentences = {_words(mall, r, "en"): r.code for r in refusals}
    assert len(sentences) == len({r.code for r in refusals})


def test_every_refusal_has_a_code_of_its_own():
    codes = [r.code for r in _every_refusal()]
    assert len(codes) == len(set(codes))
