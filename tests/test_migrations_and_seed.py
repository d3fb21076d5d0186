"""The migrations build exactly the models' schema; the demo seed builds the 2022 meeting."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from eventapp import create_app
from eventapp.awards.models import Finalist
from eventapp.breakouts.models import BreakoutChoice, BreakoutSession
from eventapp.events.models import AgendaItem, Event
from eventapp.extensions import db
from eventapp.registration.models import Registration


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        db.engine.dispose()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_seed_builds_the_2022_meeting_once(runner, mailbox):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "Already there" in again.output

    event = db.session.scalar(select(Event))
    assert event.slug == "clustertreffen-2022" and event.status == "published"
    speakers = {item.speaker for item in db.session.scalars(select(AgendaItem))}
    assert {"Dr. Ole Janssen", "Dr. Friedrich Dornbusch", "Andreas Findeisen"} <= {
        s.split(",")[0] for s in speakers}
    assert _count(BreakoutSession) == 3
    assert any("NIRO" in f.organisation for f in db.session.scalars(select(Finalist)))
    assert _count(Event) == 1 and _count(Registration) == 60
    assert _count(BreakoutChoice) == 60
    assert mailbox == []  # made-up addresses get no mail


def test_demo_seed_on_its_historic_day(runner):
    result = runner.invoke(args=["seed", "demo", "--date", "2022-10-20", "--participants", "5"])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(select(Event))
    assert event.starts_at.date().isoformat() == "2022-10-20" and event.year == 2022
