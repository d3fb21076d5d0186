"""The migrations build exactly the models' schema, and go down and up again."""

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect

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
