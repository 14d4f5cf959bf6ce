"""A page's links built once per route and filled in per item are the links url_for builds,
under a mounted prefix too, and a request never sees another request's links."""
from flask import Flask, url_for

from app.web import page_links, routing, static_files
from app.web.page_links import KEPT_NAMES, KEPT_ROOTS, STAND_IN, STAND_IN_NAME
from app.web.static_files import hashed_name

IDS = [1, 7, 42, 2147, 214748364, int(STAND_IN), 9_999]


def small_app() -> Flask:
    app = Flask(__name__)
    routing.register(app)
    page_links.register(app)
    app.add_url_rule("/catalog/<int:item_id>", "item", lambda item_id: "")
    app.add_url_rule("/catalog/<int:item_id>/redeem", "confirm", lambda item_id: "")
    app.add_url_rule("/orders/<int:item_id>", "with_query", lambda item_id: "",
                     defaults={"page": 1})
    app.add_url_rule("/media/<name>", "file", lambda name: "")
    return app


def test_links_filled_in_or_cut_around_their_id_are_the_links_url_for_builds_under_any_prefix():
    app = small_app()
    for root in ("", "/mall", f"/{STAND_IN}"):
        with app.test_request_context("/", base_url=f"http://shop.example{root}"):
            links = page_links.page_links()
            for endpoint in ("item", "confirm", "with_query"):
                assert [links.to(endpoint, n) for n in IDS] == [
                    url_for(endpoint, item_id=n) for n in IDS], (root, endpoint)
                parts = links.around(endpoint)
                built = [f"{parts[0]}{n}{parts[1]}" if parts else links.to(endpoint, n)
                         for n in IDS]
                assert built == [url_for(endpoint, item_id=n) for n in IDS], (root, endpoint)
            assert links.static("css/app.css") == url_for("static", filename="css/app.css")


def test_each_request_builds_its_own_links():
    app = small_app()
    with app.test_request_context("/", base_url="http://shop.example/one"):
        first = page_links.page_links()
        assert first is page_links.page_links() and first.to("item", 3) == "/one/catalog/3"
    with app.test_request_context("/", base_url="http://shop.example/two"):
        assert page_links.page_links() is not first
        assert page_links.page_links().to("item", 3) == "/two/catalog/3"


def test_file_links_filled_in_are_the_links_url_for_builds_whatever_the_name():
    app = small_app()
    names = ["0123456789abcdef-240.webp", STAND_IN_NAME, "a b.webp", "é.webp", "x?y=1", "%41",
             "..", "-", "x" * 300]
    for root in ("", "/mall", f"/{STAND_IN_NAME}"):
        with app.test_request_context("/", base_url=f"http://shop.example{root}"):
            links = page_links.page_links()
            assert [links.named("file", name) for name in names] == [
                url_for("file", name=name) for name in names], root


def app_with_static_files(tmp_path) -> Flask:
    (tmp_path / "static" / "css").mkdir(parents=True, exist_ok=True)
    (tmp_path / "static" / "css" / "app.css").write_bytes(b"body {}")
    app = Flask(__name__, static_folder=str(tmp_path / "static"),
                instance_path=str(tmp_path / "instance"))
    static_files.register(app)
    page_links.register(app)
    return app


def test_a_static_files_url_kept_for_the_process_carries_each_script_roots_prefix(tmp_path):
    app = app_with_static_files(tmp_path)
    hashed = hashed_name("css/app.css", b"body {}")
    for _ in range(2):   # the second time from what was kept
        for root in ("", "/mall", "/shop/two"):
            with app.test_request_context("/", base_url=f"http://shop.example{root}"):
                assert page_links.page_links().static("css/app.css") == \
                    f"{root}/static/{hashed}" == url_for("static", filename="css/app.css")
    assert set(app.extensions["page_links_static"]) == {"", "/mall", "/shop/two"}
    assert app_with_static_files(tmp_path).extensions["page_links_static"] == {}   # an app's own


def test_static_urls_are_kept_for_a_bounded_number_of_roots_and_names(tmp_path):
    app = app_with_static_files(tmp_path)
    roots = [f"/r{n}" for n in range(KEPT_ROOTS + 3)]
    for root in roots:
        with app.test_request_context("/", base_url=f"http://shop.example{root}"):
            links = page_links.page_links()
            assert links.static("img/none.svg") == f"{root}/static/img/none.svg"
            assert links.static("img/none.svg") == f"{root}/static/img/none.svg"
    assert list(app.extensions["page_links_static"]) == roots[:KEPT_ROOTS]
    with app.test_request_context("/", base_url="http://shop.example/r0"):
        links = page_links.page_links()
        names = [f"img/{n}.svg" for n in range(KEPT_NAMES + 3)]
        assert [links.static(name) for name in names] == [f"/r0/static/{name}" for name in names]
    assert len(app.extensions["page_links_static"]["/r0"]) == KEPT_NAMES
