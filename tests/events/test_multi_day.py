"""A meeting of two days (issue 34, item 14): every page that says when it is shows both days,
and its agenda is grouped by day under a day heading (public page, organiser page, reminder
mail). One helper formats a time range (eventapp/timespans.py), in the reader's locale."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from eventapp.events import services as events
from eventapp.invitations import services as invitations
from eventapp.mailing.send import deliver_queued
from eventapp.meeting_mails.services import queue_reminders
from eventapp.timespans import by_day, date_range, time_range

# 9:30 on Monday 7 December to 14:15 on Tuesday 8 December 2026 in Berlin (CET, UTC+1).
STARTS = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
ENDS = datetime(2026, 12, 8, 13, 15, tzinfo=UTC)
BOTH_DAYS_DE = "07.12.2026, 09:30 Uhr – 08.12.2026, 14:15 Uhr"
BOTH_DAYS_EN = "Dec 7, 2026, 9:30\u202fAM – Dec 8, 2026, 2:15\u202fPM"
DAY_1, DAY_2 = "Montag, 7. Dezember 2026", "Dienstag, 8. Dezember 2026"


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_one_helper_formats_a_range_in_the_readers_locale(app):
    one_day_end = STARTS + timedelta(hours=8)
    with force_locale("de"):
        assert time_range(STARTS, ENDS) == BOTH_DAYS_DE
        assert time_range(STARTS, one_day_end) == "07.12.2026, 09:30 – 17:30 Uhr"
        assert time_range(STARTS, one_day_end, with_date=False) == "09:30 – 17:30 Uhr"
        assert date_range(STARTS, ENDS) == "07.12.2026 – 08.12.2026"
        assert date_range(STARTS, one_day_end) == "07.12.2026"
    with force_locale("en"):
        assert time_range(STARTS, ENDS) == BOTH_DAYS_EN
        assert time_range(STARTS, one_day_end) == "Dec 7, 2026, 9:30\u202fAM – 5:30\u202fPM"


def test_a_day_that_ends_after_midnight_utc_is_still_the_local_day(app):
    # 23:30 UTC on 7 December is 00:30 on 8 December in Berlin: the second day.
    late = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    with force_locale("de"):
        assert time_range(STARTS, late) == "07.12.2026, 09:30 Uhr – 08.12.2026, 00:30 Uhr"


@pytest.fixture
def two_days(create_event, organiser):
    event = create_event(format="in_person", venue="Leipzig", online_link="", sessions=(),
                         starts_at=STARTS, ends_at=ENDS)
    for start, title in ((STARTS, "Eröffnung"), (STARTS + timedelta(hours=2), "Keynote"),
                         (STARTS + timedelta(days=1), "Tag zwei: Werkstatt"),
                         (STARTS + timedelta(days=1, hours=3), "Abschluss")):
        events.add_agenda_item(organiser, event, starts_at=start,
                               ends_at=start + timedelta(hours=1), kind="talk", title=title,
                               speaker="", affiliation="")
    return event


def _days_in_order(page: str) -> None:
    text = _text(page)
    assert text.index(DAY_1) < text.index("Eröffnung") < text.index("Keynote")
    assert text.index("Keynote") < text.index(DAY_2) < text.index("Tag zwei: Werkstatt")


def test_the_event_page_shows_both_days_and_the_agenda_by_day(client, two_days):
    page = client.get(f"/events/{two_days.slug}/").get_data(as_text=True)

    assert BOTH_DAYS_DE in _text(page)
    _days_in_order(page)
    client.post("/auth/language", data={"lang": "en"})
    english = _text(client.get(f"/events/{two_days.slug}/").get_data(as_text=True))
    assert BOTH_DAYS_EN in english and "Tuesday, December 8, 2026" in english


def test_the_organiser_page_shows_both_days_and_the_agenda_by_day(orga, two_days):
    page = orga.get(f"/organiser/events/{two_days.slug}/").get_data(as_text=True)

    assert BOTH_DAYS_DE in _text(page)
    _days_in_order(page)
    listing = _text(orga.get("/organiser/").get_data(as_text=True))
    assert "07.12.2026 – 08.12.2026" in listing


def test_the_participants_page_shows_both_days(client, auth, two_days, register):
    person = register(two_days)
    auth.login_participant(person.user)

    page = client.get(f"/events/{two_days.slug}/me").get_data(as_text=True)

    assert BOTH_DAYS_DE in _text(page)


def test_the_invitation_shows_both_days(client, two_days, organiser, mailbox):
    invitations.add_guests(organiser, two_days, text="Anna Schmidt; anna@example.org")
    mailbox.clear()
    invitations.send_invitations(organiser, two_days)
    deliver_queued()
    (mail,) = mailbox
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert BOTH_DAYS_DE in text
    link = re.search(r"https?://[^/\s]+(/invitations/[\w-]+)", text).group(1)

    page = client.get(link).get_data(as_text=True)

    assert BOTH_DAYS_DE in _text(page)


def test_the_reminder_lists_the_agenda_by_day(two_days, register, mailbox):
    register(two_days)
    deliver_queued()
    mailbox.clear()

    queue_reminders(STARTS - timedelta(hours=1), STARTS + timedelta(hours=1))
    deliver_queued()

    (reminder,) = mailbox
    for body in (reminder.get_body(preferencelist=("plain",)).get_content(),
                 _text(reminder.get_body(preferencelist=("html",)).get_content())):
        _days_in_order(body)


def test_a_one_day_agenda_has_no_day_heading(app):
    class Item:
        def __init__(self, starts_at):
            self.starts_at = starts_at

    one_day = [Item(STARTS), Item(STARTS + timedelta(hours=3))]
    with force_locale("de"):
        assert [(day, len(items)) for day, items in by_day(one_day)] == [(None, 2)]
        two = by_day([*one_day, Item(ENDS)])
    assert [(day, len(items)) for day, items in two] == [(DAY_1, 2), (DAY_2, 1)]
