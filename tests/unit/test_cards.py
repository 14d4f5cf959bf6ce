"""A page of cards: the card macro takes each card apart by the order of a Card's fields."""
import re
from pathlib import Path

from app.storefront.cards import Card

MACRO = Path(__file__).parents[2] / "templates" / "storefront" / "_offer.html"


def test_the_card_macro_names_a_cards_fields_in_their_order():
    taken = re.findall(r"\{% set ([\w,\s]+?) = card %\}", MACRO.read_text())
    assert len(taken) == 1, "the macro takes a card apart in one {% set ... = card %}"
    assert [name.strip() for name in taken[0].split(",")] == list(Card._fields)
