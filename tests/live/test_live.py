"""The live package: the polled state's tag cache (bounded) and its 304 before Flask."""

import pytest
from sqlalchemy import event as sa_event

from eventapp import create_app
from eventapp.caching import TimedCache
from eventapp.extensions import db


@pytest.fixture
def cached_app(app):
    """A second app on the same database whose tag cache keeps two events for a minute."""
    cached = create_app({"TESTING": True, "SECRET_KEY": "test", "RATELIMIT_ENABLED": False,
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "LIVE_STATE_CACHE_SECONDS": 60, "LIVE_STATE_CACHE_SIZE": 2})
    yield cached
    with cached.app_context():
        db.engine.dispose()


def _queries(flask_app) -> list[str]:
    """The queries the app sends to its database from now on (SQLite's BEGIN aside)."""
    with flask_app.app_context():
        engine = db.engine
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        if statement.startswith("SELECT"):
            sent.append(statement)

    sa_event.listen(engine, "before_cursor_execute", note)
    return sent


@pytest.mark.parametrize("polled", ["state", "show"])
def test_a_fresh_tag_answers_304_without_the_database(cached_app, create_event, polled):
    event = create_event()
    client = cached_app.test_client()
    first = client.get(f"/live/{event.slug}/{polled}")
    assert first.status_code == 200
    sent = _queries(cached_app)
    again = client.get(f"/live/{event.slug}/{polled}",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert sent == []
    for name in ("ETag", "Cache-Control", "X-Server-Time"):  # one set of headers for both
        assert again.headers[name] and first.headers[name]
    assert again.headers["ETag"] == first.headers["ETag"]


def test_made_up_slugs_are_not_kept(cached_app, create_event):
    event = create_event()
    client = cached_app.test_client()
    tag = client.get(f"/live/{event.slug}/state").headers["ETag"]
    for number in range(50):
        response = client.get(f"/live/junk-{number}/state", headers={"If-None-Match": tag})
        assert response.status_code == 404
    assert len(cached_app.extensions["live_state_tags"]) == 1


def test_the_cache_keeps_the_most_recently_asked_events_only(cached_app, create_event):
    first, second, third = create_event(), create_event(), create_event()
    client = cached_app.test_client()
    tag = client.get(f"/live/{first.slug}/state").headers["ETag"]
    for event in (second, third):
        assert client.get(f"/live/{event.slug}/state").status_code == 200
    assert len(cached_app.extensions["live_state_tags"]) == 2
    sent = _queries(cached_app)
    # The first event fell out of the cache, so its tag comes from the database again.
    assert client.get(f"/live/{first.slug}/state", headers={"If-None-Match": tag}).status_code \
        == 304
    assert len(sent) == 1


def test_lru_order_refresh_and_unknown_slugs():
    loads: list[str] = []
    known = {"a": "tag-a", "b": "tag-b", "c": "tag-c"}

    def load(slug):
        loads.append(slug)
        return known.get(slug)

    tags = TimedCache(load, max_age=60, size=2)
    assert tags.get("a") == "tag-a" and tags.get("b") == "tag-b"
    assert tags.get("a") == "tag-a"  # fresh: no load, and now the most recently asked
    assert tags.get("c") == "tag-c"  # pushes out b, the least recently asked
    assert tags.fresh("b") is None and tags.fresh("a") == "tag-a"
    assert tags.get("nope") is None and tags.fresh("nope") is None
    assert len(tags) == 2
    assert loads == ["a", "b", "c", "nope"]


def test_an_event_that_disappears_leaves_the_cache():
    known = {"a": "tag-a"}
    tags = TimedCache(known.get, max_age=0, size=2)
    assert tags.get("a") == "tag-a" and len(tags) == 1
    del known["a"]
    assert tags.get("a") is None and len(tags) == 0


@pytest.mark.parametrize(("action", "field"), [("agenda", "item"), ("pitch", "finalist")])
@pytest.mark.parametrize("value", ["x", "99999", str(2**31), str(2**70)])
def test_the_remote_refuses_ids_it_does_not_know(client, auth, create_event, action, field,
                                                 value):
    event = create_event(finalists=1)
    auth.login_organiser()
    response = client.post(f"/organiser/events/{event.slug}/live/{action}", data={field: value})
    assert response.status_code == (404 if value == "99999" else 422)


@pytest.mark.parametrize("url", ["/finalists/{big}/logo.png",
                                 "/organiser/events/{slug}/agenda/{big}/edit",
                                 "/organiser/events/{slug}/finalists/1/team/{big}/remove"])
def test_ids_beyond_the_id_columns_in_urls_are_404(client, auth, create_event, url):
    event = create_event()
    auth.login_organiser()
    address = url.format(slug=event.slug, big=2**31)
    response = client.post(address, data={}) if address.endswith("remove") \
        else client.get(address)
    assert response.status_code == 404
