"""The page's CSRF token, exactly as Flask-WTF's `generate_csrf` makes it and its
`validate_csrf` checks it: the raw token kept in the session under WTF_CSRF_FIELD_NAME, signed
with WTF_CSRF_SECRET_KEY (or the app's secret key), salted and timestamped, and kept on `g` for
the request so that every form of the page carries the same one.

Flask-WTF builds a new serializer for each request's token, and itsdangerous derives the key
from the secret at each signature; here both are done once for each secret key."""
import hashlib
import os
from functools import cached_property, lru_cache

from flask import current_app, g, session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

SALT = "wtf-csrf-token"   # Flask-WTF's


class _KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, its key derived from the secret once."""

    @cached_property
    def _derived(self) -> bytes:
        return super().derive_key()

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        return self._derived if secret_key is None else super().derive_key(secret_key)


class _KeptSerializer(URLSafeTimedSerializer):
    """The serializer Flask-WTF builds, with one signer for its own salt."""

    def __init__(self, secret_key: str | bytes) -> None:
        # HMAC-SHA1 as itsdangerous signs by default, given as hashlib's own function so
        # that OpenSSL signs.
        super().__init__(secret_key, salt=SALT, signer=_KeptKeySigner,
                         signer_kwargs={"digest_method": hashlib.sha1})
        self._signer = super().make_signer()

    def make_signer(self, salt: str | bytes | None = None) -> TimestampSigner:
        return self._signer if salt is None else super().make_signer(salt)


@lru_cache(maxsize=8)
def serializer_for(secret_key: str | bytes) -> URLSafeTimedSerializer:
    """One serializer for each secret key, for the process."""
    return _KeptSerializer(secret_key)


def csrf_token() -> str:
    """This request's signed token, as `flask_wtf.csrf.generate_csrf()` gives it."""
    app, kept = current_app._get_current_object(), g._get_current_object()
    field_name = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field_name is None:
        raise RuntimeError("A field name is required to use CSRF.")
    if field_name in kept:
        return kept.get(field_name)
    secret_key = app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
    if secret_key is None:
        raise RuntimeError("A secret key is required to use CSRF.")
    signed, held = serializer_for(secret_key), session._get_current_object()
    if field_name not in held:
        held[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
    try:
        token = signed.dumps(held[field_name])
    except TypeError:
        held[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
        token = signed.dumps(held[field_name])
    setattr(kept, field_name, token)
    return token
