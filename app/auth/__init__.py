"""Signing in and out, joining, the profile, passwords and phone numbers: the auth
blueprint. Its pages live in views.py, account.py, credentials.py and codes.py, which
create_app imports before registering it."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
