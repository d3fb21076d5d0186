"""The migrations build exactly the models' schema, and go down and up again."""

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text

from eventapp import create_app
from eventapp.extensions import db


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={
        "compare_type": True, "compare_server_default": True})
    return compare_metadata(context, db.metadata)


def _script() -> ScriptDirectory:
    migrate = current_app.extensions["migrate"].migrate
    return ScriptDirectory.from_config(migrate.get_config())


def test_the_test_database_is_at_the_single_head(app):
    heads = _script().get_heads()
    assert len(heads) == 1, f"the migrations have branched: {heads}"
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)


def test_the_migrations_produce_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        assert _differences(connection) == []


def test_migration_files_follow_the_naming_rule(app):
    for revision in _script().walk_revisions():
        name = Path(revision.path).name
        assert re.fullmatch(rf"\d{{8}}_\d{{4}}_{revision.revision}_[a-z0-9_]+\.py", name), name


@pytest.fixture
def fresh(tmp_path):
    """An app on an empty SQLite file, and its CLI runner."""
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})
    yield app, app.test_cli_runner()
    with app.app_context():
        db.engine.dispose()


def _tables(app) -> set[str]:
    with app.app_context(), db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def _run(runner, *args):
    result = runner.invoke(args=["db", *args])
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    return result


def test_downgrade_to_base_and_upgrade_again_on_a_fresh_file(fresh):
    app, runner = fresh
    models = {table.name for table in db.metadata.sorted_tables}

    _run(runner, "upgrade")
    assert _tables(app) == models | {"alembic_version"}

    _run(runner, "downgrade", "base")
    assert _tables(app) <= {"alembic_version"}

    _run(runner, "upgrade")
    assert _tables(app) == models | {"alembic_version"}
    with app.app_context(), db.engine.connect() as connection:
        assert _differences(connection) == []


def test_every_migration_steps_down_and_up(fresh):
    app, runner = fresh
    with app.app_context():
        revisions = list(reversed(list(_script().walk_revisions())))  # oldest first
    for revision in revisions:
        _run(runner, "upgrade", revision.revision)
    for revision in reversed(revisions):
        _run(runner, "downgrade", revision.down_revision or "base")
        _run(runner, "upgrade", revision.revision)
        _run(runner, "downgrade", revision.down_revision or "base")
    assert _tables(app) <= {"alembic_version"}
    _run(runner, "upgrade")
    with app.app_context(), db.engine.connect() as connection:
        assert _differences(connection) == []


def test_stored_addresses_are_normalised_and_a_second_account_of_one_mailbox_is_left(fresh):
    app, runner = fresh
    _run(runner, "upgrade", "ad7c6fed4e10")
    stored = ["anna@bücher.de", "ben@example\u3002org", "mu\u0308ller@example.org",
              "anna@xn--bcher-kva.de", "anonymous-7@invalid", "cem@example.org"]
    with app.app_context(), db.engine.begin() as connection:
        for email in stored:
            connection.execute(text(
                "INSERT INTO users (email, name, organisation, locale, role,"
                " sign_in_token_single_use, created_at)"
                " VALUES (:email, 'x', '', 'de', 'participant', false, '2026-01-01')"),
                {"email": email})

    _run(runner, "upgrade", "73e47bdf76ed")

    with app.app_context(), db.engine.connect() as connection:
        emails = connection.execute(text("SELECT email FROM users ORDER BY id")).scalars().all()
    assert emails == ["anna@bücher.de", "ben@example.org", "m\u00fcller@example.org",
                      "anna@xn--bcher-kva.de", "anonymous-7@invalid", "cem@example.org"]


def test_ballots_cast_before_the_inbox_are_written_again_in_a_random_order(fresh):
    app, runner = fresh
    _run(runner, "upgrade", "ad7c6fed4e10")
    with app.app_context(), db.engine.begin() as connection:
        # The schema of that revision never changes: plain SQL fits it for good.
        connection.execute(text(
            "INSERT INTO events (id, slug, title, motto, description, year, starts_at, ends_at,"
            " format, venue, online_link, registered_count, status, created_at) VALUES (1, 'e',"
            " 'E', '', '', 2022, '2022-10-20', '2022-10-20', 'online', '', '', 0, 'published',"
            " '2022-10-01')"))
        connection.execute(text(
            "INSERT INTO finalists (id, event_id, organisation, project_title, summary,"
            " presenter, pitch_order, pitch_seconds, logo_version, has_logo)"
            " VALUES (1, 1, 'A', 'P', '', '', 1, 180, 0, false)"))
        connection.execute(text(
            "INSERT INTO polls (id, event_id, title, status, checked_in_only, votes_cast,"
            " eligible_count, created_at) VALUES (1, 1, 'P', 'open', false, 60, 60, '2022-10-20')"))
    with app.app_context():
        for user_id in range(1, 61):  # each vote as before: participation and ballot together
            with db.engine.begin() as connection:
                connection.execute(text("INSERT INTO participations VALUES (1, :user)"),
                                   {"user": user_id})
                connection.execute(text("INSERT INTO ballots VALUES (:id, 1, 1, :receipt)"),
                                   {"id": f"{user_id:032x}", "receipt": f"R{user_id:04d}"})

    _run(runner, "upgrade")

    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, receipt FROM ballots ORDER BY rowid")).all()
    assert sorted(receipt for _id, receipt in rows) == [f"R{n:04d}" for n in range(1, 61)]
    assert not {ballot_id for ballot_id, _receipt in rows} & {f"{n:032x}" for n in range(1, 61)}
    in_voting_order = sum(receipt == f"R{n:04d}" for n, (_id, receipt) in enumerate(rows, 1))
    assert in_voting_order <= 6  # a random order: one in place on average


def test_existing_meetings_move_into_one_network_and_organisers_become_platform_admins(fresh):
    app, runner = fresh
    _run(runner, "upgrade", "ad7c6fed4e10")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO events (id, slug, title, motto, description, year, starts_at, ends_at,"
            " format, venue, online_link, registered_count, status, created_at) VALUES (1, 'e',"
            " 'E', '', '', 2022, '2022-10-20', '2022-10-20', 'online', '', '', 0, 'published',"
            " '2022-10-01')"))
        for email, role in (("orga@example.org", "organiser"), ("pat@example.org",
                                                                  "participant")):
            connection.execute(text(
                "INSERT INTO users (email, name, organisation, locale, role,"
                " sign_in_token_single_use, created_at)"
                " VALUES (:email, 'x', '', 'de', :role, false, '2026-01-01')"),
                {"email": email, "role": role})
    _run(runner, "upgrade", "fc5dd3ece128")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO past_winners (year, award, organisation, project, note, created_at)"
            " VALUES (2019, 'Preis', 'Alt', 'Projekt', '', '2026-01-01')"))

    _run(runner, "upgrade", "513869095409")

    with app.app_context(), db.engine.connect() as connection:
        (network_id, slug), = connection.execute(text("SELECT id, slug FROM networks")).all()
        assert slug == "netzwerk"
        for table in ("events", "past_winners"):
            assert connection.execute(text(f"SELECT network_id FROM {table}")).scalars().all() \
                == [network_id]
        admins = connection.execute(text(
            "SELECT email FROM users WHERE is_platform_admin")).scalars().all()
    assert admins == ["orga@example.org"]


def test_a_new_installation_starts_without_a_network(fresh):
    app, runner = fresh
    _run(runner, "upgrade")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM networks")).scalar() == 0
