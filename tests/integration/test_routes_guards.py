"""Requests carrying a NUL character are refused before they reach a view or a query."""
import pytest

from tests.conftest import csrf_token


@pytest.mark.parametrize("path", ["/orders/%00", "/orders/AB%00CD/pickup.svg", "/points?page=%00",
                                  "/catalog?category=%00", "/catalog/1%00"])
def test_an_address_with_a_nul_character_is_refused(member_client, path):
    response = member_client.get(path)

    assert response.status_code in (400, 404)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_form_with_a_nul_character_is_refused_and_signs_no_one_in(client, member):
    response = client.post("/login", data={"phone": member.phone + "\x00", "password": "x",
                                           "csrf_token": csrf_token(client)})

    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out
