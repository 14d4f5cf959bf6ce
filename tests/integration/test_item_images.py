"""Uploaded item images: judged by content, cleaned, resized to fixed widths as WebP under
content-hashed names, served with a year's cache and shown on members' item cards."""
import io
import re

import pytest
from PIL import Image

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.models import Item
from app.media import images
from tests.integration.route_support import new_key


@pytest.fixture
def instance(app, tmp_path):
    app.instance_path = str(tmp_path)
    return str(tmp_path)


def encoded(size=(1200, 800), fmt="JPEG", color=(200, 30, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **options)
    return out.getvalue()


def size_mode(instance, name):
    with Image.open(images.folder(instance) / name) as out:
        return out.size, out.mode


def stored(instance):
    return sorted(path.name for path in images.folder(instance).glob("*"))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_jpeg_png_or_webp_is_stored_at_every_width_as_webp(instance, fmt):
    data = encoded(fmt=fmt)

    base = images.store(data, instance)

    assert images.BASE.fullmatch(base)
    assert stored(instance) == [f"{base}-{w}.webp" for w in (240, 480, 960)]
    with Image.open(images.folder(instance) / f"{base}-480.webp") as out:
        assert (out.format, out.size, out.mode) == ("WEBP", (480, 320), "RGB")


def test_a_small_image_is_never_upscaled(instance):
    base = images.store(encoded(size=(300, 300)), instance)
    sizes = [size_mode(instance, f"{base}-{w}.webp")[0] for w in images.WIDTHS]
    assert sizes == [(240, 240), (300, 300), (300, 300)]


def test_exif_orientation_is_applied_and_metadata_stripped(instance):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees to be upright
    exif[0x010F] = "SecretCam"
    base = images.store(encoded(size=(1000, 500), exif=exif.tobytes()), instance)

    with Image.open(images.folder(instance) / f"{base}-960.webp") as out:
        assert out.size == (500, 1000)
        assert not out.getexif() and "exif" not in out.info and "icc_profile" not in out.info


def test_an_rgba_png_is_converted_to_rgb(instance):
    out = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(out, "PNG")
    base = images.store(out.getvalue(), instance)
    assert size_mode(instance, f"{base}-240.webp")[1] == "RGB"


def animated_gif() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("P", (50, 50), n) for n in range(3)]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def animated_webp() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (50, 50), (n * 80, 0, 0)) for n in range(3)]
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    return out.getvalue()


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few kB
    return out.getvalue()


@pytest.mark.parametrize("make, reason", [
    (lambda: b"just some text, named photo.png", images.NOT_AN_IMAGE),
    (lambda: encoded()[:2000], images.NOT_AN_IMAGE),
    (lambda: b"", images.EMPTY),
    (lambda: encoded()[:20] + bytes(6 * 1024 * 1024), images.TOO_LARGE),
    (bomb, images.TOO_MANY_PIXELS),
    (animated_gif, images.NOT_AN_IMAGE),
    (animated_webp, images.ANIMATED),
    (lambda: encoded(fmt="BMP"), images.NOT_AN_IMAGE),
    (lambda: encoded(fmt="GIF"), images.NOT_AN_IMAGE),
], ids=["text", "truncated-jpeg", "empty", "six-megabytes", "bomb", "animated-gif",
        "animated-webp", "bmp", "gif"])
def test_what_is_not_an_image_we_take_is_refused_and_stores_nothing(instance, make, reason):
    with pytest.raises(images.ImageRefused) as refused:
        images.store(make(), instance)
    assert refused.value.reason == reason
    assert stored(instance) == []


def test_the_same_upload_gets_the_same_name_and_another_a_new_one(instance):
    first = images.store(encoded(), instance)
    assert images.store(encoded(), instance) == first
    assert images.store(encoded(color=(0, 0, 255)), instance) != first


def test_an_image_is_served_with_a_years_immutable_cache(client, instance):
    base = images.store(encoded(), instance)

    with client.get(f"/media/{base}-240.webp") as response:
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public


@pytest.mark.parametrize("name", ["0123456789abcdef-100.webp", "0123456789ABCDEF-240.webp",
                                  "..%2Finstance-240.webp", "0123456789abcdef-240.png",
                                  "0123456789abcdef-240.webp"])
def test_any_other_name_or_a_missing_image_is_no_page(client, instance, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_the_catalog_shows_an_uploaded_image_over_its_widths(member_client, instance,
                                                           make_item):
    base = images.store(encoded(), instance)
    item = make_item(image=base)
    plain = make_item(image="img/catalog/latte.svg")

    card = member_client.get("/catalog").get_data(as_text=True)
    page = member_client.get(f"/catalog/{item.id}").get_data(as_text=True)

    for html in (card, page):
        assert f"/media/{base}-240.webp 240w" in html and f"/media/{base}-960.webp 960w" in html
    assert re.search(r'"/static/img/catalog/latte\.[0-9a-f]{12}\.svg"', card)
    assert db.session.get(Item, plain.id).image == "img/catalog/latte.svg"


def test_an_order_of_an_item_with_an_uploaded_image_shows_its_smallest_width(
        member_client, member, instance, make_item):
    base = images.store(encoded(), instance)
    order = redemption.redeem(member.id, make_item(image=base).id, new_key())

    for page in ("/orders", f"/orders/{order.code}"):
        html = member_client.get(page).get_data(as_text=True)
        assert f'src="/media/{base}-240.webp"' in html
