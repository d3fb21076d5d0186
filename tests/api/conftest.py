"""The API's fixtures: tokens of a network with chosen scopes."""

import pytest

from eventapp.api import tokens
from eventapp.api.models import TokenScope

ALL_SCOPES = tuple(TokenScope)


@pytest.fixture
def make_token(organiser):
    """A token of the network with these scopes (all of them by default)."""

    def factory(network, scopes=ALL_SCOPES, name="CRM"):
        return tokens.create_token(organiser, network, name, scopes)

    return factory


def bearer(token: str, language: str = "de") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}
