"""URL converters: what a route's arguments may look like before any view sees them."""
from flask import Flask
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns: 32-bit on PostgreSQL, which refuses to compare a larger value.
ID_MAX = 2**31 - 1


def numbers_up_to(limit: int) -> str:
    """A regular expression of the ASCII decimal numbers from 0 to `limit`."""
    digits = str(limit)
    shorter = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    same_length = [digits[:i] + f"[0-{int(d) - 1}]" + f"[0-9]{{{len(digits) - i - 1}}}"
                   for i, d in enumerate(digits) if d != "0"]
    return "(?:" + "|".join([*shorter, *same_length, digits]) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` for ids: ASCII digits up to the largest id a table can hold, so a larger
    one is simply no page (404) instead of an error in the database. The pattern itself does
    the bounding: a value refused after the pattern matched would make the router answer
    405 on a URL that another method's route shares."""

    regex = numbers_up_to(ID_MAX)


def register(app: Flask) -> None:
    """Bounded ids for every `<int:...>` route; call before the blueprints are registered."""
    app.url_map.converters["int"] = IdConverter
