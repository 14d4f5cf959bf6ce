"""URL converters: what a route's arguments may look like before any view sees them."""
from flask import Flask
from werkzeug.routing import IntegerConverter

ID_DIGITS = 18  # 10**18 - 1 at most: far beyond any table, within a signed 64-bit integer


class IdConverter(IntegerConverter):
    """`<int:...>` for ids: 1 to 18 ASCII digits, so an id no database can hold is simply no
    page (404) instead of an error in the database driver. The pattern itself does the
    bounding: a value refused after the pattern matched would make the router answer 405
    on a URL that another method's route shares."""

    regex = rf"[0-9]{{1,{ID_DIGITS}}}"


def register(app: Flask) -> None:
    """Bounded ids for every `<int:...>` route; call before the blueprints are registered."""
    app.url_map.converters["int"] = IdConverter
