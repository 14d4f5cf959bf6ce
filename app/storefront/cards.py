"""A page of item cards, as its template writes them: each card's links, image, name in the
member's language and the words of its disabled button, found for the whole page at once.
The words and links every card shares are looked up once for the page, and each distinct
refusal is put in words once, however many cards it disables."""
from dataclasses import dataclass

from markupsafe import Markup

from app.loyalty.errors import DomainError
from app.loyalty.reads import Offer
from app.media import image_src, image_srcset
from app.media.images import is_upload
from app.web.i18n import localized, pattern
from app.web.messages import card_words, refusal_label, refusal_reason
from app.web.page_links import page_links

PLACEHOLDER = "img/placeholder.svg"


@dataclass(frozen=True, slots=True)
class Card:
    """One item card: the offer, and the words and links its template writes."""

    offer: Offer
    href: str
    confirm_href: str | None   # the redeem button's, when the item can be redeemed
    src: str
    srcset: str | None         # an uploaded image's widths, else None
    name: str
    tier: Markup | None        # the badge of the tier the item needs
    left: Markup | None        # "Only n left", when stock runs low
    refusal: tuple[str, str] | None   # the disabled button's label and why

    @property
    def item(self):
        return self.offer.item

    @property
    def available(self) -> bool:
        return self.offer.refusal is None


class CardPage:
    """The cards of one page, and the words every card says (`words.pts`, `words.redeem`)."""

    def __init__(self, offers) -> None:
        self.words = card_words()
        self._links = page_links()
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
        tier = self._tier % {"tier": localized(item.min_tier, "name")} if item.min_tier else None
        left = self._left % {"n": item.stock} if offer.low_stock else None
        available = offer.refusal is None
        return Card(offer, links.to("storefront.item", item.id),
                    links.to("storefront.confirm", item.id) if available else None,
                    src, srcset, localized(item, "name"), tier, left,
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
