"""eventapp/database.py: one write transaction behaves the same on SQLite and PostgreSQL."""

import pytest

from eventapp.audit.models import AuditLog
from eventapp.auth.models import User
from eventapp.database import write_transaction
from eventapp.extensions import db

from ..helpers import count_rows


def _name_of(user_id: int) -> str:
    db.session.rollback()
    return db.session.get(User, user_id).name


def test_changes_made_before_a_write_transaction_are_refused_not_committed(organiser):
    db.session.get(User, organiser.id).name = "Changed outside"
    with pytest.raises(RuntimeError, match="outside write_transaction"), write_transaction():
        db.session.get(User, organiser.id).organisation = "Inside"
    assert _name_of(organiser.id) == "Olga Orga"


def test_rows_added_before_a_write_transaction_are_refused(organiser):
    before = count_rows(AuditLog)
    db.session.add(AuditLog(action="stray", details={}))
    with pytest.raises(RuntimeError, match="outside write_transaction"), write_transaction():
        pass
    assert count_rows(AuditLog) == before


def test_changes_flushed_before_a_write_transaction_are_refused(organiser):
    db.session.get(User, organiser.id).name = "Flushed outside"
    db.session.flush()
    with pytest.raises(RuntimeError, match="outside write_transaction"), write_transaction():
        pass
    assert _name_of(organiser.id) == "Olga Orga"


def test_what_was_read_before_may_be_changed_inside(organiser):
    user = db.session.get(User, organiser.id)
    with write_transaction():
        user.name = "Renamed"
    assert _name_of(organiser.id) == "Renamed"


def test_an_error_inside_rolls_the_whole_block_back_and_the_next_one_works(organiser):
    user = db.session.get(User, organiser.id)
    with pytest.raises(ValueError), write_transaction():
        user.name = "Half-way"
        with write_transaction():  # nested: joins the outer transaction
            db.session.add(AuditLog(action="inner", details={}))
        raise ValueError
    assert _name_of(organiser.id) == "Olga Orga"
    assert count_rows(AuditLog) == 1  # only the organiser's creation
    with write_transaction():
        db.session.get(User, organiser.id).name = "Later"
    assert _name_of(organiser.id) == "Later"
