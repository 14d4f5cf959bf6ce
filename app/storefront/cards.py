"""A page of item cards, as its template writes them: each card's links, image, name in the
member's language, price and the words of its disabled button, found for the whole page at
once. The words, links and language every card shares are looked up once for the page, and
each distinct refusal is put in words once, however many cards it disables."""
from typing import NamedTuple

from markupsafe import Markup

from app.loyalty.errors import DomainError
from app.loyalty.reads import Offer
from app.media import image_src, image_srcset
from app.media.images import is_upload
from app.web.i18n import grouped, in_language, pattern, yuan
from app.web.messages import card_words, refusal_label, refusal_reason
from app.web.page_links import page_links
from app.web.request_babel import request_locale

PLACEHOLDER = "img/placeholder.svg"


class Card(NamedTuple):
    """One item card: what its template writes, each found once (the template reads each
    field once, so a card costs the page as few look-ups as it can)."""

    id: int
    points_price: int
    cash_fen: int
    available: bool
    href: str
    src: str
    srcset: str | None         # an uploaded image's widths, else None
    tier: Markup | None        # the badge of the tier the item needs
    tier_code: str | None      # ... and its code
    name: str                  # in the member's language
    points: str                # the price's points, as the `points` filter writes them
    cash: str | None           # the price's cash, as the `yuan` filter writes it; None: none
    left: Markup | None        # "Only n left", when stock runs low
    confirm_href: str | None   # the redeem button's, when the item can be redeemed
    refusal: tuple[str, str] | None   # the disabled button's label and why


class CardPage:
    """The cards of one page, and the words every card says (`words.pts`, `words.redeem`)."""

    def __init__(self, offers) -> None:
        self.words = card_words()
        self._links = page_links()
        self._locale = request_locale()
        self._english = self._locale.language == "en"
        self._tier, self._left = pattern("%(tier)s+"), pattern("Only %(n)s left")
        self._refusals: dict[tuple, tuple[str, str]] = {}
        self.cards = [self._card(offer) for offer in offers]

    def __iter__(self):
        return iter(self.cards)

    def __len__(self) -> int:
        return len(self.cards)

    def _card(self, offer: Offer) -> Card:
        item, links = offer.item, self._links
        if is_upload(item.image):
            src, srcset = image_src(item.image), image_srcset(item.image)
        else:
            src, srcset = links.static(item.image or PLACEHOLDER), None
        needs = item.min_tier
        tier = self._tier % {"tier": in_language(needs, "name", english=self._english)} \
            if needs else None
        left = self._left % {"n": item.stock} if offer.low_stock else None
        available = offer.refusal is None
        cash = item.cash_fen
        return Card(item.id, item.points_price, cash, available,
                    links.to("storefront.item", item.id), src, srcset,
                    tier, needs.code if needs else None,
                    in_language(item, "name", english=self._english),
                    grouped(item.points_price, self._locale), yuan(cash) if cash else None,
                    left, links.to("storefront.confirm", item.id) if available else None,
                    None if available else self._refusal(offer))

    def _refusal(self, offer: Offer) -> tuple[str, str]:
        """The disabled button's label and reason: the same refusal (and, for a tier, the
        same tier) reads the same on every card."""
        refusal: DomainError = offer.refusal
        key = (refusal.code, repr(sorted(refusal.details.items())),
               offer.item.min_tier_id if refusal.code == "tier_too_low" else None)
        words = self._refusals.get(key)
        if words is None:
            words = self._refusals[key] = (refusal_label(offer), refusal_reason(offer))
        return words


def register(app) -> None:
    app.jinja_env.filters["cards"] = CardPage
