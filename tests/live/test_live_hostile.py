"""What a hostile tester sent to the live pages (issue 34): NUL in a polled URL with an
If-None-Match header (the 304 shortcut runs before the app's NUL guard; PostgreSQL refuses
NUL in a query), and two draft polls opened at the same moment."""

import pytest

from ..helpers import STAFF_PASSWORD


@pytest.mark.parametrize("path", ["/live/%00/state", "/live/a%00b/show",
                                  "/live/%00/state?x=1"])
def test_nul_in_a_polled_url_with_a_tag_is_400_not_500(client, create_event, path):
    create_event()

    response = client.get(path, headers={"If-None-Match": '"1-2-3"'})

    assert response.status_code in (400, 404)


# --- item 8: the stage page is for people with a place or a role in this event ------------


@pytest.mark.parametrize("path", ["/stage", "/stage/rooms"])
def test_the_stage_is_closed_to_staff_of_another_network(client, auth, two_networks, path):
    event, people = two_networks["event"], two_networks["people"]
    for key in ("foreign_manager", "foreign_co_organiser"):
        auth.login_organiser(people[key].email, STAFF_PASSWORD)
        response = client.get(f"/events/{event.slug}{path}")
        assert response.status_code == 403, key
        auth.logout()
    for key in ("manager", "co_organiser", "presenter"):
        auth.login_organiser(people[key].email, STAFF_PASSWORD)
        assert client.get(f"/events/{event.slug}{path}").status_code == 200, key
        auth.logout()
