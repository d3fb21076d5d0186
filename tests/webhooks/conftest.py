"""The webhooks use the API's token fixture to register people through it."""

from ..api.conftest import make_token  # noqa: F401  (a fixture)
