"""What a hostile tester sent to the live pages (issue 34): NUL in a polled URL with an
If-None-Match header (the 304 shortcut runs before the app's NUL guard; PostgreSQL refuses
NUL in a query), and two draft polls opened at the same moment."""

import pytest


@pytest.mark.parametrize("path", ["/live/%00/state", "/live/a%00b/show",
                                  "/live/%00/state?x=1"])
def test_nul_in_a_polled_url_with_a_tag_is_400_not_500(client, create_event, path):
    create_event()

    response = client.get(path, headers={"If-None-Match": '"1-2-3"'})

    assert response.status_code in (400, 404)
