"""On a phone, a member's pages fit the screen's width: nothing pans sideways, and rows that
are wider than the screen (the category chips) scroll within themselves."""
import pytest

from app.extensions import db
from app.loyalty.models import Category
from .helpers import sign_in

pytestmark = pytest.mark.e2e

PAGES = ["/", "/catalog", "/catalog?affordable=1", "/points", "/orders", "/inbox", "/earn",
         "/profile"]
MORE_CATEGORIES = [("coffee-x", "咖啡饮品", "Coffee & Drinks"), ("beauty-x", "美妆个护", "Beauty"),
                   ("home-x", "生活家居", "Home & Living"), ("coupons-x", "优惠券", "Coupons"),
                   ("members-x", "会员专享", "Members Only")]


@pytest.fixture
def many_categories(live_app):
    """More categories than a phone's width shows at once; removed afterwards."""
    with live_app.app_context():
        rows = [Category(slug=slug, name=name, name_en=name_en, position=10 + n)
                for n, (slug, name, name_en) in enumerate(MORE_CATEGORIES)]
        db.session.add_all(rows)
        db.session.commit()
        ids = [row.id for row in rows]
        db.session.remove()
    yield
    with live_app.app_context():
        db.session.execute(db.delete(Category).where(Category.id.in_(ids)))
        db.session.commit()
        db.session.remove()


# The elements that reach past the screen's right edge, outside any row that scrolls.
PAST_THE_EDGE = """() => {
  const edge = document.documentElement.clientWidth, found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= edge + 1) continue;
    let up = el.parentElement, inScroller = false;
    for (; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') { inScroller = true; break; }
    }
    const name = `${el.tagName.toLowerCase()}.${el.getAttribute('class')}`;
    if (!inScroller) found.push(`${name} ${Math.round(box.right)}px`);
  }
  return found.slice(0, 5);
}"""


def test_no_member_page_pans_sideways_on_a_phone(phone, member, catalog, many_categories):
    sign_in(phone, member)
    wider = {}
    for path in PAGES:
        phone.goto(path)
        scroll, screen = phone.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > screen:
            wider[path] = (scroll, phone.evaluate(PAST_THE_EDGE))
    assert wider == {}
    phone.goto("/catalog")
    chips = phone.locator(".chips")
    assert chips.evaluate("el => el.scrollWidth > el.clientWidth")   # it scrolls in itself
