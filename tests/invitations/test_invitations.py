"""Guest lists and invitations: the list (typed, CSV, Excel), the personal invitation mail,
accepting in one click, declining, invitation only, reserved places, reminders, the counts
per category, and the category on badges, lists and exports."""

import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from eventapp.audit.models import AuditLog
from eventapp.auth.services import find_user_by_email
from eventapp.events import services as events
from eventapp.exports.badges import badges_of
from eventapp.extensions import db
from eventapp.invitations import services as invitations
from eventapp.invitations.models import Invitation
from eventapp.privacy.services import EventsNotOver, anonymise_event, delete_account
from eventapp.registration import services as registration
from eventapp.registration.models import Registration, RegistrationRequest

from ..helpers import count_rows, reloaded

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitations/[\w-]+)")


def _deliver(runner):
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message) -> str:
    return INVITATION_LINK.search(_text(message)).group(1)


def _invited(runner, mailbox, organiser, event, text):
    """Put the guests on the list, mail their invitations; {address: link path}."""
    invitations.add_guests(organiser, event, text=text)
    mailbox.clear()
    invitations.send_invitations(organiser, event)
    _deliver(runner)
    return {message["To"]: _link(message) for message in mailbox
            if INVITATION_LINK.search(_text(message))}


@pytest.fixture
def guest(app):
    """A second browser: the guest's, beside the organiser's."""
    return app.test_client()


def _registration_of(event, email):
    user = find_user_by_email(email)
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))


def _csv(*rows) -> bytes:
    return "\n".join(";".join(row) for row in rows).encode("utf-8")


def _upload(orga, event, data: bytes, filename="gaeste.csv"):
    return orga.post(f"/organiser/events/{event.slug}/guests",
                     data={"upload": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data")


# --- the list -----------------------------------------------------------------------------


def test_an_upload_with_bad_rows_names_each_and_saves_nothing(orga, create_event):
    event = create_event()
    data = _csv(("Name", "E-Mail", "Organisation", "Kategorie"),
                ("Anna Gast", "anna@example.org", "NIRO", "VIP"),
                ("", "leer@example.org", "", "Gast"),
                ("Bernd Falsch", "kein-at-zeichen", "", "Presse"),
                ("Cem Kategorie", "cem@example.org", "", "Sponsor"),
                ("Dora\x07Glocke", "dora@example.org", "", "Gast"))

    response = _upload(orga, event, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nichts wurde gespeichert" in page
    assert "Zeile 3: der Name fehlt" in page
    assert "Zeile 4: „kein-at-zeichen“ ist keine gültige E-Mail-Adresse" in page
    assert "Zeile 5: unbekannte Kategorie „Sponsor“" in page
    assert "Zeile 6: Steuerzeichen" in page
    assert "Zeile 2" not in page
    assert count_rows(Invitation) == 0


def test_duplicates_are_merged_and_guests_on_the_list_stay_as_they_are(orga, create_event):
    event = create_event()
    data = _csv(("name", "email", "organisation", "category"),
                ("Anna Gast", "Anna@Example.org", "NIRO", "vip"),
                ("Anna G.", "anna@example.org ", "", "press"),
                ("Ben Mitglied", "ben@example.org", "Netzwerk Nord", "Mitglied"))

    first = _upload(orga, event, data)
    again = orga.post(f"/organiser/events/{event.slug}/guests",
                      data={"guests": "Ben Anders; BEN@example.org; ; speaker\n"
                                      "Cem Neu; cem@example.org; CDI; Referentin"})

    assert first.status_code == 303 and again.status_code == 303
    page = orga.get(f"/organiser/events/{event.slug}/guests").get_data(as_text=True)
    assert "1 Gäste hinzugefügt, 0 doppelte Zeilen zusammengeführt, 1 standen schon" in page
    guests = {guest.email: guest for guest in invitations.guests_of(event)}
    assert sorted(guests) == ["anna@example.org", "ben@example.org", "cem@example.org"]
    assert guests["anna@example.org"].category == "vip"
    assert guests["anna@example.org"].name == "Anna Gast"
    assert guests["ben@example.org"].category == "member"  # not overwritten by the second list
    assert guests["cem@example.org"].category == "speaker"
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "guests.added")) == 2


def test_an_excel_list_is_read(orga, create_event):
    event = create_event()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "E-Mail", "Organisation", "Kategorie", "Sprache"])
    sheet.append(["Eva Excel", "eva@example.org", "Fraunhofer IMW", "Presse", "en"])
    out = io.BytesIO()
    workbook.save(out)

    response = _upload(orga, event, out.getvalue(), "gaeste.xlsx")

    assert response.status_code == 303
    (guest,) = invitations.guests_of(event)
    assert (guest.name, guest.category, guest.locale) == ("Eva Excel", "press", "en")


def test_an_empty_list_is_refused(orga, create_event):
    event = create_event()
    response = orga.post(f"/organiser/events/{event.slug}/guests", data={"guests": ""})
    assert response.status_code == 422
    assert "Die Gästeliste ist leer." in response.get_data(as_text=True)


# --- invitations and answers --------------------------------------------------------------


def test_invitations_arrive_per_guest_in_their_language_and_only_once(orga, create_event,
                                                                       runner, mailbox):
    event = create_event()
    invitations.add_guests(None, event, text="Anna Gast; anna@example.org; NIRO; VIP\n"
                                             "John Guest; john@example.org; CDI; press; en")
    mailbox.clear()

    response = orga.post(f"/organiser/events/{event.slug}/guests/send", data={})
    assert response.status_code == 303
    assert mailbox == []  # queued; the worker sends them
    _deliver(runner)

    mails = {message["To"]: message for message in mailbox}
    assert sorted(mails) == ["anna@example.org", "john@example.org"]
    assert mails["anna@example.org"]["Subject"] == f"Einladung: {event.title}"
    assert mails["john@example.org"]["Subject"] == f"Invitation to {event.title}"
    anna, john = _text(mails["anna@example.org"]), _text(mails["john@example.org"])
    assert anna.startswith("Guten Tag Anna Gast,") and "Ehrengast" in anna
    assert "John" not in anna and "Anna" not in john and "Press" in john
    assert _link(mails["anna@example.org"]) != _link(mails["john@example.org"])

    mailbox.clear()
    orga.post(f"/organiser/events/{event.slug}/guests/send", data={})
    _deliver(runner)
    assert mailbox == []  # nobody is invited twice
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.event_id == event.id))
    assert "mail.invitation" in set(actions)


def test_opening_the_link_changes_nothing_and_accepting_registers_in_one_click(
        client, organiser, create_event, runner, mailbox, app):
    event = create_event()
    links = _invited(runner, mailbox, organiser, event, "Anna Gast; anna@example.org; NIRO; VIP")
    link = links["anna@example.org"]

    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert event.title in html and "Anna Gast" in html and "Ehrengast" in html
    assert f"Version {app.config['PRIVACY_TEXT_VERSION']}" in html
    assert "Einladung annehmen" in html and "Einladung absagen" in html
    assert count_rows(Registration) == 0 and find_user_by_email("anna@example.org") is None

    mailbox.clear()
    response = client.post(f"{link}/accept", data={"public_listing": "y"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/events/{event.slug}/me")
    registered = _registration_of(event, "anna@example.org")
    assert registered.status == "confirmed" and registered.category == "vip"
    assert registered.consent_version == app.config["PRIVACY_TEXT_VERSION"]
    assert registered.consent_at is not None and registered.public_listing
    assert registered.user.name == "Anna Gast" and registered.user.organisation == "NIRO"
    assert client.get(f"/events/{event.slug}/me").status_code == 200  # signed in
    (confirmation,) = mailbox
    assert confirmation["Subject"] == f"Ihre Anmeldung: {event.title}"
    (guest,) = invitations.guests_of(event)
    assert guest.status == "accepted" and guest.token_hash is None
    assert client.get(link).status_code == 404  # the link is spent
    assert client.post(f"{link}/accept", data={}).status_code == 404
    assert count_rows(Registration) == 1


def test_tokens_are_random_and_stored_only_as_a_hash(organiser, create_event, runner, mailbox):
    event = create_event()
    links = _invited(runner, mailbox, organiser, event, "Anna; anna@example.org; ; guest")
    token = links["anna@example.org"].rsplit("/", 1)[1]
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    (guest,) = invitations.guests_of(event)
    assert guest.token_hash != token and len(guest.token_hash) == 64


def test_a_guest_declines_and_may_still_accept_later(client, organiser, create_event, runner,
                                                     mailbox):
    event = create_event()
    link = _invited(runner, mailbox, organiser, event, "Anna; anna@example.org; ; guest")[
        "anna@example.org"]

    response = client.post(f"{link}/decline", data={})

    assert response.status_code == 303
    (guest,) = invitations.guests_of(event)
    assert reloaded(guest).status == "declined" and guest.answered_at is not None
    assert count_rows(Registration) == 0
    page = client.get(link).get_data(as_text=True)
    assert "Sie haben diese Einladung abgesagt" in page
    assert client.post(f"{link}/accept", data={}).status_code == 303
    assert reloaded(guest).status == "accepted"


def test_answers_need_the_csrf_token_and_a_post(client, organiser, create_event, runner,
                                                mailbox):
    event = create_event()
    link = _invited(runner, mailbox, organiser, event, "Anna; anna@example.org; ; guest")[
        "anna@example.org"]
    plain_post = super(type(client), client).post

    for action in ("accept", "decline"):
        assert plain_post(f"{link}/{action}", data={}).status_code == 400
        assert client.get(f"{link}/{action}").status_code == 405
    (guest,) = invitations.guests_of(event)
    assert reloaded(guest).status == "sent" and count_rows(Registration) == 0


def test_invitations_wait_until_the_event_is_published(orga, organiser, create_event,
                                                       mailbox):
    event = create_event(published=False)
    invitations.add_guests(organiser, event, text="Anna; anna@example.org; ; guest")

    response = orga.post(f"/organiser/events/{event.slug}/guests/send", data={})

    assert response.status_code == 409
    assert "Veröffentlichen Sie die Veranstaltung" in response.get_data(as_text=True)
    assert invitations.guests_of(event)[0].status == "new"


def test_an_unknown_link_is_404(client):
    response = client.get("/invitations/" + "x" * 43)
    assert response.status_code == 404
    assert "Einladungslink ist nicht (mehr) gültig" in response.get_data(as_text=True)


# --- invitation only and reserved places --------------------------------------------------


def test_an_event_by_invitation_only_refuses_the_public(orga, client, create_event, runner,
                                                        mailbox):
    event = create_event()
    response = orga.post(f"/organiser/events/{event.slug}/guests/settings",
                         data={"invitation_only": "y"})
    assert response.status_code == 303 and reloaded(event).invitation_only
    links = _invited(runner, mailbox, None, event, "Anna; anna@example.org; ; guest")
    orga.post("/auth/logout", data={})

    form = client.get(f"/events/{event.slug}/register")
    refused = client.post(f"/events/{event.slug}/register", data={
        "name": "Zoe Public", "email": "zoe@example.org", "consent": "y"})

    assert "nur mit Einladung" in form.get_data(as_text=True)
    assert refused.status_code == 403
    assert "nur mit Einladung" in refused.get_data(as_text=True)
    assert count_rows(RegistrationRequest) == 0
    assert "nur mit Einladung" in client.get(f"/events/{event.slug}/").get_data(as_text=True)
    # The invited guest is let in.
    assert client.post(f"{links['anna@example.org']}/accept", data={}).status_code == 303
    assert _registration_of(event, "anna@example.org").status == "confirmed"


def test_a_form_sent_before_the_event_became_invitation_only_is_refused(
        client, organiser, create_event, mailbox):
    event = create_event()
    client.post(f"/events/{event.slug}/register", data={
        "name": "Zoe Public", "email": "zoe@example.org", "consent": "y"})
    confirm = re.search(r"/register/confirm/[\w-]+", _text(mailbox[-1])).group(0)
    invitations.update_settings(organiser, event, invitation_only=True, reserved={})

    client.get(confirm)

    assert count_rows(Registration) == 0


def test_reserved_places_do_not_go_to_the_public(organiser, create_event, register, client,
                                                 runner, mailbox):
    event = create_event(capacity=3)
    invitations.update_settings(organiser, event, invitation_only=False,
                                reserved={"vip": 2, "press": 0})
    first = register(event, email="public1@example.org")
    second = register(event, email="public2@example.org")
    assert (first.status, second.status) == ("confirmed", "waitlisted")

    links = _invited(runner, mailbox, organiser, event,
                     "Vera VIP; vera@example.org; ; VIP\nViktor VIP; viktor@example.org; ; VIP\n"
                     "Paula Presse; paula@example.org; ; press")
    for address in ("vera@example.org", "viktor@example.org", "paula@example.org"):
        client.post(f"{links[address]}/accept", data={})
        client.post("/auth/logout", data={})

    vera = _registration_of(event, "vera@example.org")
    viktor = _registration_of(event, "viktor@example.org")
    paula = _registration_of(event, "paula@example.org")
    assert (vera.status, vera.reserved_place) == ("confirmed", True)
    assert (viktor.status, viktor.reserved_place) == ("confirmed", True)
    assert paula.status == "waitlisted"  # press has no reservation and the event is full
    assert reloaded(event).registered_count == 3
    counts = {row["category"]: row for row in invitations.guest_counts(event)}
    assert (counts["vip"]["taken"], counts["vip"]["reserved"]) == (2, 2)

    # A VIP who cancels frees a VIP place: it is kept for the VIPs, not given to the public.
    registration.cancel(vera)
    assert reloaded(second).status == "waitlisted"
    assert reloaded(paula).status == "waitlisted"
    assert counts and invitations.guest_counts(event)[2]["taken"] == 1
    # Fewer reserved places: the freed place goes to the waitlist in order.
    invitations.update_settings(organiser, event, invitation_only=False, reserved={"vip": 1})
    assert reloaded(second).status == "confirmed"
    assert reloaded(paula).status == "waitlisted"


def test_the_public_sees_only_the_places_it_can_take(client, organiser, create_event,
                                                     register):
    event = create_event(capacity=5)
    invitations.update_settings(organiser, event, invitation_only=False, reserved={"vip": 3})
    register(event, email="public1@example.org")
    register(event, email="public2@example.org")

    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    assert "Noch 0 Plätze frei" in page
    assert "Die Veranstaltung ist ausgebucht" in form
    assert register(event, email="public3@example.org").status == "waitlisted"
    assert reloaded(event).registered_count == 2


def test_reserved_places_must_fit_the_capacity_and_the_places_taken(orga, organiser,
                                                                   create_event, register):
    event = create_event(capacity=10)
    response = orga.post(f"/organiser/events/{event.slug}/guests/settings",
                         data={"reserved_vip": "8", "reserved_press": "3"})
    assert response.status_code == 422
    assert "übersteigen die reservierten Plätze (11) die Kapazität (10)" in \
        response.get_data(as_text=True)
    assert invitations.reserved_places(event) == {}
    assert orga.post(f"/organiser/events/{event.slug}/guests/settings",
                     data={"reserved_vip": "-1"}).status_code == 422
    for number in range(7):
        register(event, email=f"public{number}@example.org")
    too_many = orga.post(f"/organiser/events/{event.slug}/guests/settings",
                         data={"reserved_vip": "4"})
    assert too_many.status_code == 422
    assert "Nur noch 3 Plätze sind frei zum Reservieren." in too_many.get_data(as_text=True)
    assert orga.post(f"/organiser/events/{event.slug}/guests/settings",
                     data={"reserved_vip": "3"}).status_code == 303


# --- reminders, counts, category everywhere -----------------------------------------------


def test_reminders_go_only_to_those_who_have_not_answered(orga, guest, organiser, create_event,
                                                          runner, mailbox):
    event = create_event()
    links = _invited(runner, mailbox, organiser, event,
                     "Anna; anna@example.org; ; guest\nBen; ben@example.org; ; member\n"
                     "Cem; cem@example.org; ; press")
    invitations.add_guests(organiser, event, text="Dora; dora@example.org; ; guest")  # not sent
    guest.post(f"{links['anna@example.org']}/accept", data={})
    guest.post(f"{links['ben@example.org']}/decline", data={})
    mailbox.clear()

    response = orga.post(f"/organiser/events/{event.slug}/guests/remind", data={})
    _deliver(runner)

    assert response.status_code == 303
    (reminder,) = mailbox
    assert reminder["To"] == "cem@example.org"
    assert reminder["Subject"] == f"Erinnerung an Ihre Einladung: {event.title}"
    new_link = _link(reminder)
    assert new_link != links["cem@example.org"]
    assert guest.get(links["cem@example.org"]).status_code == 404  # the old link is dead
    assert guest.get(new_link).status_code == 200


def test_the_dashboard_counts_guests_per_category(orga, guest, organiser, create_event, runner,
                                                  mailbox):
    event = create_event()
    links = _invited(runner, mailbox, organiser, event,
                     "Vera; vera@example.org; ; VIP\nViktor; viktor@example.org; ; VIP\n"
                     "Vanessa; vanessa@example.org; ; VIP\nPaula; paula@example.org; ; press")
    guest.post(f"{links['vera@example.org']}/accept", data={})
    guest.post(f"{links['viktor@example.org']}/decline", data={})

    counts = {row["category"]: row for row in invitations.guest_counts(event)}
    page = orga.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)

    assert {k: counts["vip"][k] for k in ("invited", "registered", "declined", "open")} == \
        {"invited": 3, "registered": 1, "declined": 1, "open": 1}
    assert (counts["press"]["invited"], counts["press"]["open"]) == (1, 1)
    assert counts["member"]["invited"] == 0
    assert "Gäste je Kategorie" in page
    row = re.search(r"<th scope=\"row\">Ehrengast</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">(\d+)<", row) == ["3", "1", "1", "1"]
    event_page = orga.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert f"/organiser/events/{event.slug}/guests" in event_page


def test_the_category_is_on_badges_the_participant_list_and_the_export(orga, guest, organiser,
                                                                        create_event, runner,
                                                                        mailbox):
    event = create_event()
    links = _invited(runner, mailbox, organiser, event, "Paula Presse; paula@example.org; ; press")
    guest.post(f"{links['paula@example.org']}/accept", data={})

    (badge,) = badges_of(event)
    listing = orga.get(f"/organiser/events/{event.slug}/registrations").get_data(as_text=True)
    export = orga.get(f"/organiser/events/{event.slug}/export/registrations.csv")

    assert badge.category == "Presse"
    assert "<td>Presse</td>" in listing
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Kategorie"
    assert rows[1][0] == "Paula Presse" and rows[1][-1] == "Presse"


@pytest.mark.parametrize("path", ["", "/send", "/remind", "/settings"])
def test_guest_list_routes_are_for_organisers_only(client, auth, create_event, register, path):
    event = create_event()
    url = f"/organiser/events/{event.slug}/guests{path}"
    anonymous = client.post(url, data={}) if path else client.get(url)
    assert anonymous.status_code == 302 and "/auth/sign-in" in anonymous.headers["Location"]
    auth.login_participant(register(event).user)
    participant = client.post(url, data={"guests": "X; x@example.org; ; guest",
                                         "invitation_only": "y"})
    assert participant.status_code == 403
    assert client.get(url).status_code in (403, 405)
    assert count_rows(Invitation) == 0 and not reloaded(event).invitation_only


# --- privacy ------------------------------------------------------------------------------


def test_the_guest_lists_are_in_the_download_and_go_with_the_account(guest, organiser,
                                                                     create_event, runner,
                                                                     mailbox):
    event, other = create_event(), create_event()
    links = _invited(runner, mailbox, organiser, event, "Anna Gast; anna@example.org; NIRO; VIP")
    invitations.add_guests(organiser, other, text="Anna; anna@example.org; ; press\n"
                                                  "Ben; ben@example.org; ; guest")
    guest.post(f"{links['anna@example.org']}/accept", data={})

    download = guest.get("/me/data").get_json()

    assert sorted(i["status"] for i in download["invitations"]) == ["accepted", "new"]
    assert download["registrations"][0]["category"] == "vip"
    anna = find_user_by_email("anna@example.org")
    with pytest.raises(EventsNotOver):
        delete_account(anna)
    registration.cancel(_registration_of(event, "anna@example.org"))
    delete_account(anna)
    assert sorted(g.email for g in invitations.guests_of(other)) == ["ben@example.org"]
    assert invitations.guests_of(event) == []


def test_anonymising_an_archived_event_forgets_its_guest_list(organiser, create_event):
    event, other = create_event(), create_event()
    invitations.add_guests(organiser, event, text="Anna; anna@example.org; ; VIP")
    invitations.add_guests(organiser, other, text="Anna; anna@example.org; ; VIP")
    events.set_event_status(organiser, event, "archived")

    anonymise_event(organiser, event)

    assert invitations.guests_of(event) == [] and len(invitations.guests_of(other)) == 1


def test_a_hybrid_meeting_asks_the_guest_how_they_take_part(guest, organiser, create_event,
                                                            runner, mailbox):
    event = create_event(format="hybrid", venue="Berlin")
    link = _invited(runner, mailbox, organiser, event, "Anna; anna@example.org; ; speaker")[
        "anna@example.org"]
    assert "Wie nehmen Sie teil?" in guest.get(link).get_data(as_text=True)

    refused = guest.post(f"{link}/accept", data={})
    assert refused.status_code == 422
    assert (invitations.guests_of(event)[0].status, count_rows(Registration)) == ("sent", 0)

    assert guest.post(f"{link}/accept", data={"attendance_mode": "online"}).status_code == 303
    registered = _registration_of(event, "anna@example.org")
    assert (registered.attendance_mode, registered.category) == ("online", "speaker")


def test_a_copied_meeting_keeps_access_and_reserved_places_but_no_guests(orga, organiser,
                                                                        create_event):
    event = create_event(capacity=50)
    invitations.update_settings(organiser, event, invitation_only=True, reserved={"press": 5})
    invitations.add_guests(organiser, event, text="Anna; anna@example.org; ; press")

    response = orga.post(f"/organiser/events/{event.slug}/copy", data={
        "title": "Clustertreffen 2027", "slug": "clustertreffen-2027",
        "starts_at": "2027-10-20T09:00"})

    assert response.status_code == 303
    copy = events.get_event("clustertreffen-2027", include_unpublished=True)
    assert copy.invitation_only and invitations.guests_of(copy) == []
    assert {c: r.places for c, r in invitations.reserved_places(copy).items()} == {"press": 5}
