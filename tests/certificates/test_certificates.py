"""Certificates of attendance: only for who was there, in their language, with a code whose
public page confirms name, meeting and date and nothing else; mailed once on the organiser's
click."""

import warnings
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.auth.services import create_organiser
from eventapp.certificates import services as certificates
from eventapp.certificates.models import Certificate
from eventapp.database import utcnow, write_transaction
from eventapp.extensions import db
from eventapp.mailing.jobs import run_jobs
from eventapp.mailing.send import deliver_queued
from eventapp.networks import roles
from eventapp.registration.attendance import mark_checked_in, mark_present_online
from eventapp.registration.models import RegistrationStatus

from ..helpers import STAFF_PASSWORD, assert_valid_html, count_rows, image_bytes, sessions_of


def _checked_in(registration):
    mark_checked_in(registration)
    return registration


def _online(registration):
    with write_transaction():
        mark_present_online(registration)
    return registration


def _speaks(user, locale):
    with write_transaction():
        user.locale, user.locale_chosen = locale, True


@pytest.fixture
def past_event(create_event):
    return create_event(starts_at=utcnow().replace(microsecond=0) - timedelta(days=2),
                        format="hybrid", venue="Kongresshaus Jena")


def test_no_certificate_for_who_was_not_there(client, auth, create_event, register):
    person = register(create_event())
    auth.login_participant(person.user)
    page = client.get(f"/events/{person.event.slug}/me").get_data(as_text=True)
    response = client.get(f"/events/{person.event.slug}/me/certificate.pdf")
    assert "certificate.pdf" not in page
    assert response.status_code == 403 and "Teilnahmebescheinigung" in response.get_data(True)
    assert count_rows(Certificate) == 0


def test_checked_in_person_downloads_a_pdf(client, auth, past_event, register):
    session = sessions_of(past_event)[0]
    person = _checked_in(register(past_event, name="Łukasz Çelik-Müller Ωμέγα",
                                  attendance_mode="in_person", session_ids=[session.id]))
    auth.login_participant(person.user)
    page = client.get(f"/events/{past_event.slug}/me").get_data(as_text=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would warn
        response = client.get(f"/events/{past_event.slug}/me/certificate.pdf")
    assert "certificate.pdf" in page
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    # The same code every time.
    client.get(f"/events/{past_event.slug}/me/certificate.pdf")
    assert count_rows(Certificate) == 1


def test_the_certificate_says_who_what_when_where(past_event, register, organiser):
    manager = create_organiser("maria@example.org", STAFF_PASSWORD, "Maria Managerin",
                               platform_admin=False)
    roles.give_network_role(None, past_event.network, manager, "manager")
    session = sessions_of(past_event)[0]
    person = _checked_in(register(past_event, name="Zoë Ångström", attendance_mode="in_person",
                                  session_ids=[session.id]))
    lines = certificates.wording_for(person).lines()
    text = "\n".join(lines)
    code = db.session.scalar(select(Certificate.code))
    assert "Teilnahmebescheinigung" in text and "Zoë Ångström" in text
    assert past_event.title in text and "Kongresshaus Jena" in text
    assert f"Breakouts: Breakout „{session.title}“" in text
    assert "Maria Managerin" in text and "für Clusternetzwerk" in text
    assert code in text and f"/certificates/{code}" in text


def test_in_the_persons_language_and_online(past_event, register):
    person = _online(register(past_event, attendance_mode="online"))
    _speaks(person.user, "en")
    text = "\n".join(certificates.wording_for(person).lines())
    assert "Certificate of attendance" in text and "online" in text
    assert "Kongresshaus" not in text


def test_verification_page_confirms_name_meeting_date_only(client, past_event, register):
    person = _checked_in(register(past_event, name="Anna Schmidt", organisation="Geheim GmbH",
                                  attendance_mode="in_person"))
    code = certificates.code_for(person)
    page = client.get(f"/certificates/{code.lower().replace('-', '')}").get_data(as_text=True)
    assert_valid_html(page, "/certificates/")
    assert "Anna Schmidt" in page and past_event.title in page
    for secret in ("Geheim GmbH", person.user.email, "Kongresshaus", "Breakouts"):
        assert secret not in page
    assert client.get("/certificates/AAAA-BBBB").status_code == 404


def test_organiser_mails_certificates_once_to_who_was_there(client, orga, past_event, register,
                                                            mailbox):
    there = _checked_in(register(past_event, name="Da Gewesen", attendance_mode="in_person"))
    online = _online(register(past_event, name="Online Gast", attendance_mode="online"))
    _speaks(online.user, "en")
    register(past_event, name="Nicht Gekommen", attendance_mode="in_person")
    url = f"/organiser/events/{past_event.slug}/certificates"

    assert client.post(url, data={}).status_code == 303
    again = client.post(url, data={}, follow_redirects=True)
    assert "bereits" in again.get_data(as_text=True)
    assert run_jobs() == 1
    deliver_queued()

    by_name = {m["To"]: m for m in mailbox if any(
        (p.get_filename() or "").startswith("certificate") for p in m.iter_attachments())}
    assert set(by_name) == {there.user.email, online.user.email}
    assert "Teilnahmebescheinigung" in by_name[there.user.email]["Subject"]
    assert "certificate of attendance" in by_name[online.user.email]["Subject"]
    assert [p.get_content_type() for p in by_name[there.user.email].iter_attachments()] == \
        ["application/pdf"]


def test_no_mailing_before_the_meeting_is_over(client, orga, create_event, register):
    event = create_event()
    _checked_in(register(event))
    response = client.post(f"/organiser/events/{event.slug}/certificates", data={},
                           follow_redirects=True)
    assert "vorbei" in response.get_data(as_text=True)
    assert certificates.mail_job(event) is None


def test_without_a_manager_the_network_signs(past_event):
    assert certificates.signer_of(past_event) == past_event.network.name


def test_the_data_download_names_the_code(past_event, register):
    from eventapp.privacy.services import personal_data

    person = _checked_in(register(past_event, attendance_mode="in_person"))
    assert personal_data(person.user)["registrations"][0]["certificate_code"] is None
    code = certificates.code_for(person)
    assert personal_data(person.user)["registrations"][0]["certificate_code"] == code


def test_the_networks_logo_and_colour_are_drawn(past_event, register, organiser):
    from eventapp.networks import services as networks

    network = past_event.network
    networks.update_network(organiser, network, logo=image_bytes(), slug=network.slug,
                            name=network.name,
                            short_name=network.short_name, colour="#7a1f3d")
    person = _checked_in(register(past_event, attendance_mode="in_person"))
    with_logo = certificates.pdf_for(person)
    assert with_logo.startswith(b"%PDF") and b"/Image" in with_logo


def test_only_who_was_there_downloads_one(client, auth, past_event, register):
    """Checked in at the venue or present on the stage page: a certificate; registered but
    never come, or cancelled after the check-in: none, not even a code."""
    there = _checked_in(register(past_event, attendance_mode="in_person"))
    online = _online(register(past_event, attendance_mode="online"))
    absent_online = register(past_event, attendance_mode="online")
    absent = register(past_event, attendance_mode="in_person")
    cancelled = _checked_in(register(past_event, attendance_mode="in_person"))
    with write_transaction():  # cancelled (set here: the meeting is over, no one may cancel)
        cancelled.status = RegistrationStatus.CANCELLED
    url = f"/events/{past_event.slug}/me/certificate.pdf"
    answers = {}
    for name, person in (("there", there), ("online", online), ("absent online", absent_online),
                         ("absent", absent), ("cancelled", cancelled)):
        auth.login_participant(person.user)
        answers[name] = client.get(url).status_code
    assert answers == {"there": 200, "online": 200, "absent online": 403, "absent": 403,
                       "cancelled": 403}
    assert {person.id for person in certificates.attendees(past_event)} == {there.id, online.id}
    assert count_rows(Certificate) == 2
