"""Uploaded item images: checked by their content (Pillow), never by their name; cleaned
of metadata, turned upright, resized to a few fixed widths as WebP and stored under
instance/images/ with names made from a hash of the upload. An item keeps the base name,
the first 16 hex digits of that hash."""
import hashlib
import io
import re
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
WIDTHS = (240, 480, 960)
FORMATS = {"JPEG", "PNG", "WEBP"}
NAME = re.compile(r"^(?P<base>[0-9a-f]{16})-(?P<width>240|480|960)\.webp$")
BASE = re.compile(r"^[0-9a-f]{16}$")
# Why an upload was refused.
TOO_LARGE, TOO_MANY_PIXELS, NOT_AN_IMAGE, WRONG_FORMAT, ANIMATED, EMPTY = (
    "too_large", "too_many_pixels", "not_an_image", "wrong_format", "animated", "empty")


class ImageRefused(ValueError):
    """An upload that is not an image we take; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def folder(instance_path: str) -> Path:
    return Path(instance_path) / "images"


def store(data: bytes, instance_path: str) -> str:
    """Check and store an uploaded image; its base name, which the item keeps."""
    image = _opened(data)
    base = base_name(data)
    target = folder(instance_path)
    target.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        path = target / f"{base}-{width}.webp"
        if path.exists():
            continue
        copy = image.copy()
        if copy.width > width:  # never upscaled
            copy = copy.resize((width, round(copy.height * width / copy.width)),
                               Image.Resampling.LANCZOS)
        partial = path.with_suffix(".part")
        copy.save(partial, "WEBP", quality=82, method=4)  # no EXIF, no ICC, no XMP
        partial.replace(path)  # readers never see half a file
    return base


def base_name(data: bytes) -> str:
    """The base name store() gives these bytes, known before storing them."""
    return hashlib.sha256(data).hexdigest()[:16]


def check(data: bytes) -> None:
    """Refuse (ImageRefused) what store() would refuse, storing nothing."""
    _opened(data)


def widths_of(base: str, instance_path: str) -> list[int]:
    """The stored widths of an image (all of them, unless the original was narrower)."""
    return [w for w in WIDTHS if (folder(instance_path) / f"{base}-{w}.webp").exists()]


def is_upload(name: str | None) -> bool:
    """Whether an item's image names an upload (else a file under static/)."""
    return bool(name and BASE.match(name))


def _opened(data: bytes) -> Image.Image:
    if not data:
        raise ImageRefused(EMPTY)
    if len(data) > MAX_BYTES:
        raise ImageRefused(TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(FORMATS)) as probe:
                if probe.format not in FORMATS:
                    raise ImageRefused(WRONG_FORMAT)
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRefused(TOO_MANY_PIXELS)
                if getattr(probe, "is_animated", False) or getattr(probe, "n_frames", 1) > 1:
                    raise ImageRefused(ANIMATED)
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(TOO_MANY_PIXELS) from None
    except ImageRefused:
        raise
    except UnidentifiedImageError:
        raise ImageRefused(NOT_AN_IMAGE) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused(NOT_AN_IMAGE) from None  # truncated or broken inside
    image = ImageOps.exif_transpose(image)
    return image.convert("RGB")
