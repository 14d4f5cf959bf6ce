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
from app.web.dates import numbers
from app.web.i18n import in_language, pattern, yuan
from app.web.messages import card_words, refusal_label, refusal_reason
from app.web.page_links import page_links
from app.web.request_babel import request_locale

PLACEHOLDER = "img/placeholder.svg"


class Card(NamedTuple):
    """One item card: what its template writes, each found once and in the order the
    template writes them (the template takes a card's fields apart in one step, by this
    order). Numbers are held as the text the HTML writes."""

    id: str                    # the item's id, written into three attributes
    points_price: str          # the price's points and cash fen, as data attributes hold them
    cash_fen: str
    available: bool
    href: str
    src: str
    srcset: str | None         # an uploaded image's widths, else None
    tier_code: str | None      # the code of the tier the item needs
    tier: Markup | None        # ... and its badge
    name: str                  # in the member's language
    points: str                # the price's points, as the `points` filter writes them
    cash: str | None           # the price's cash, as the `yuan` filter writes it; None: none
    left: Markup | None        # "Only n left", when stock runs low
    confirm_url: str | None    # the redeem button's, when the item can be redeemed
    refused: str | None        # the disabled button's label, when it cannot
    why: str | None            # ... and why


class CardPage:
    """The cards of one page, and the words every card says (`words.pts`, `words.redeem`).
    What cards share is found once for the page: the links around an item's id, each image's
    URLs and each tier's badge."""

    def __init__(self, offers) -> None:
        self.words = card_words()
        links = self._links = page_links()
        self._item_link = links.around("storefront.item")
        self._confirm_link = links.around("storefront.confirm")
        locale = request_locale()
        self._english = locale.language == "en"
        self._number = numbers(locale).number
        self._tier, self._left = pattern("%(tier)s+"), pattern("Only %(n)s left")
        self._images: dict[str | None, tuple[str, str | None]] = {}
        self._badges: dict[int, tuple[str, Markup]] = {}
        self._refusals: dict[tuple, tuple[str, str]] = {}
        self.cards = [self._card(offer) for offer in offers]

    def __iter__(self):
        return iter(self.cards)

    def __len__(self) -> int:
        return len(self.cards)

    def _card(self, offer: Offer) -> Card:
        item = offer.item
        image = self._images.get(item.image) or self._image(item.image)
        needs = item.min_tier
        code, tier = (self._badges.get(needs.id) or self._badge(needs)) if needs else (None, None)
        left = self._left % {"n": item.stock} if offer.low_stock else None
        item_id, cash = str(item.id), item.cash_fen
        at, to_confirm = self._item_link, self._confirm_link
        href = f"{at[0]}{item_id}{at[1]}" if at else self._links.to("storefront.item", item.id)
        if offer.refusal is None:
            refused = why = None
            confirm = f"{to_confirm[0]}{item_id}{to_confirm[1]}" if to_confirm \
                else self._links.to("storefront.confirm", item.id)
        else:
            confirm = None
            refused, why = self._refusal(offer)
        return Card(item_id, str(item.points_price), str(cash), confirm is not None, href, *image,
                    code, tier, in_language(item, "name", english=self._english),
                    self._number(item.points_price), yuan(cash) if cash else None,
                    left, confirm, refused, why)

    def _image(self, name: str | None) -> tuple[str, str | None]:
        """An image's src and srcset (None: not an upload), found once for the page."""
        if is_upload(name):
            found = image_src(name), image_srcset(name)
        else:
            found = self._links.static(name or PLACEHOLDER), None
        self._images[name] = found
        return found

    def _badge(self, tier) -> tuple[str, Markup]:
        """A tier's code and badge, found once for the page."""
        found = self._badges[tier.id] = (
            tier.code, self._tier % {"tier": in_language(tier, "name", english=self._english)})
        return found

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
