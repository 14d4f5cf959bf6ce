"""Static files under names made from their content, so a browser keeps them for a year and
never asks again: at start, every file under static/ is copied once into instance/static/ as
`name.<12 hex of its SHA-256>.ext` beside its gzip and brotli copies, and WhiteNoise serves
that folder at /static/, choosing the copy the browser accepts. `url_for('static', ...)`
names the hashed copy, so templates keep writing the plain name; the plain names are still
answered (by Flask, without the long cache) for anything that links to them."""
import copy
import hashlib
import os
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

YEAR = 365 * 24 * 3600
DIGITS = 12


class StaticFiles(WhiteNoise):
    """WhiteNoise over the hashed copies: every one of them is immutable, for a year."""

    FOREVER = YEAR

    def over(self, application) -> "StaticFiles":
        """The same files in front of another app (a copy sharing the file table)."""
        served = copy.copy(self)
        served.application = application
        return served


# Per process: the hashed names and WhiteNoise's file table, by the state of static/ (each
# app the tests create would otherwise read every file again).
_served: dict[tuple, tuple[dict[str, str], StaticFiles]] = {}


def hashed_name(name: str, data: bytes) -> str:
    """`css/mall.css` as `css/mall.<hash>.css`, the hash being that of its content."""
    digest = hashlib.sha256(data).hexdigest()[:DIGITS]
    folder, _, file = name.rpartition("/")
    stem, dot, extension = file.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and stem else f"{file}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy what is missing of `source` into `target` under hashed names, with its compressed
    copies; the map from each plain name to its hashed one. Safe to run in several processes
    at once: each file is made beside `target` and appears whole, its compressed copies
    before it."""
    manifest = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        name = path.relative_to(source).as_posix()
        data = path.read_bytes()
        manifest[name] = hashed_name(name, data)
        destination = target / manifest[name]
        if not destination.exists():
            _write(destination, data, scratch_in=target.parent)
    return manifest


def _write(destination: Path, data: bytes, scratch_in: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_in, prefix="static-build-") as scratch:
        staged = Path(scratch) / destination.name
        staged.write_bytes(data)
        compressor = Compressor(quiet=True)
        if compressor.should_compress(destination.name):
            for compressed in compressor.compress(str(staged)):
                os.replace(compressed, destination.parent / Path(compressed).name)
        os.replace(staged, destination)


def _state(source: Path) -> tuple:
    """What changes when a file under `source` does: names, sizes and times."""
    files = (path for path in sorted(source.rglob("*")) if path.is_file())
    return tuple((path.as_posix(), path.stat().st_size, path.stat().st_mtime_ns)
                 for path in files)


def _headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def register(app: Flask) -> None:
    """Build the hashed copies, serve them, and have `url_for('static', ...)` name them."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    source, target = Path(app.static_folder), Path(app.instance_path) / "static"
    key = (str(target), _state(source))
    if key not in _served:
        manifest = build(source, target)
        _served[key] = manifest, StaticFiles(None, root=str(target), prefix="static/",
                                             immutable_file_test=lambda path, url: True,
                                             allow_all_origins=False,
                                             add_headers_function=_headers)
    manifest, served = _served[key]

    @app.url_defaults
    def hashed_static_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.wsgi_app = served.over(app.wsgi_app)
