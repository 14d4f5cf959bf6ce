"""Uploaded images, served from instance/images/ under names that never change (a new
upload gets a new name), so they are cached for a year."""
from flask import Blueprint, Response, abort, current_app

from app.web.page_links import page_links
from . import images

bp = Blueprint("media", __name__)
YEAR = 365 * 24 * 3600


@bp.get("/media/<name>")
def image(name: str):
    """An uploaded image at one width: only names of the form <16 hex>-<width>.webp."""
    if not images.NAME.fullmatch(name):
        abort(404)
    path = images.folder(current_app.instance_path) / name
    if not path.is_file():
        abort(404)
    # Read whole (a few tens of kB at most) rather than streamed: no file is left open.
    response = Response(path.read_bytes(), mimetype="image/webp")
    response.cache_control.max_age = YEAR
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def image_srcset(base: str) -> str:
    """The srcset of an uploaded image over the widths stored."""
    links = page_links()
    return ", ".join(f"{links.named('media.image', f'{base}-{width}.webp')} {width}w"
                     for width in images.widths_of(base, current_app.instance_path))


def image_src(base: str) -> str:
    """The middle width of an uploaded image, for browsers that ignore srcset."""
    return page_links().named("media.image", f"{base}-{images.WIDTHS[1]}.webp")


def thumbnail(name: str | None) -> str:
    """A small picture of an item: its uploaded image at the smallest width, else its file
    under static/ (or the placeholder)."""
    if images.is_upload(name):
        return page_links().named("media.image", f"{name}-{images.WIDTHS[0]}.webp")
    return page_links().static(name or "img/placeholder.svg")


def register(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(image_srcset=image_srcset, image_src=image_src,
                                 is_upload=images.is_upload, thumbnail=thumbnail)
