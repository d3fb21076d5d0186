"""Issue 35, item 6: a page's language is the reader's own choice, else the browser's
Accept-Language, else the meeting's, else German; the big screen speaks the meeting's; a mail
to one person follows the same order as of when they registered."""

from datetime import timedelta

from eventapp.mailing.send import deliver_queued
from eventapp.meeting_mails.services import queue_message, queue_reminders

from ..helpers import confirm_link, reloaded, sign_in

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _lang(client, url, headers=None) -> str:
    page = client.get(url, headers=headers or {}, follow_redirects=True)
    assert page.status_code == 200, (url, page.status_code)
    html = page.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_reads_a_german_meetings_pages_in_english(client, create_event):
    event = create_event()
    for url in ("/", f"/events/{event.slug}/", f"/events/{event.slug}/register",
                "/auth/login"):
        assert _lang(client, url, ENGLISH) == "en", url
    page = client.get(f"/events/{event.slug}/", headers=ENGLISH).get_data(as_text=True)
    assert '<option value="en" selected lang="en">' in page.replace("  ", " ")


def test_a_german_browser_reads_an_english_meeting_in_german(client, create_event):
    event = create_event(language="en")
    assert _lang(client, f"/events/{event.slug}/", GERMAN) == "de"


def test_a_browser_asking_for_neither_reads_the_meetings_language_else_german(
        client, create_event):
    english, german = create_event(language="en"), create_event()
    assert _lang(client, f"/events/{english.slug}/", FRENCH) == "en"
    assert _lang(client, f"/events/{german.slug}/", FRENCH) == "de"
    assert _lang(client, "/", FRENCH) == "de"
    assert _lang(client, f"/events/{english.slug}/") == "en"  # no Accept-Language at all


def test_the_big_screen_speaks_the_meetings_language_whatever_the_browser(client, create_event):
    english, german = create_event(language="en"), create_event()
    assert _lang(client, f"/screen/{german.slug}", ENGLISH) == "de"
    assert _lang(client, f"/screen/{english.slug}", GERMAN) == "en"
    client.post("/auth/language", data={"lang": "en", "next": "/"})
    assert _lang(client, f"/screen/{german.slug}", ENGLISH) == "de"


def test_the_readers_choice_wins_over_the_browser_on_a_meetings_pages(client, create_event):
    event = create_event(language="en")
    client.post("/auth/language", data={"lang": "de", "next": "/"}, headers=ENGLISH)
    assert _lang(client, f"/events/{event.slug}/", ENGLISH) == "de"


def test_signed_in_participants_and_organisers_follow_their_browser(
        client, auth, create_event, register):
    event = create_event()
    user = register(event, email="pat@example.org").user
    assert user.locale == "de" and not user.locale_chosen
    sign_in(client, user)
    for url in ("/me", f"/events/{event.slug}/me", f"/events/{event.slug}/"):
        assert _lang(client, url, ENGLISH) == "en", url
        assert _lang(client, url, GERMAN) == "de", url
    auth.logout()
    auth.login_organiser()
    for url in ("/organiser/", f"/organiser/events/{event.slug}/"):
        assert _lang(client, url, ENGLISH) == "en", url
        assert _lang(client, url, GERMAN) == "de", url


def test_a_signed_in_choice_is_remembered_in_the_next_session(app, client, create_event,
                                                               register):
    event = create_event()
    user = register(event, email="pat@example.org").user
    sign_in(client, user)
    client.post("/auth/language", data={"lang": "de", "next": "/"})
    other_device = app.test_client()
    sign_in(other_device, reloaded(user))
    assert _lang(other_device, f"/events/{event.slug}/", ENGLISH) == "de"


def _register_by_form(client, event, email, headers):
    client.post(f"/events/{event.slug}/register", data={
        "name": "Ann Smith", "email": email, "organisation": "Cluster West", "consent": "y"},
        headers=headers)


def test_an_english_browser_registering_for_a_german_meeting_gets_english_mails(
        client, create_event, mailbox):
    event = create_event()
    _register_by_form(client, event, "ann@example.org", ENGLISH)
    (request,) = mailbox
    assert "confirm" in request["Subject"].lower()
    client.get(confirm_link(request), headers=ENGLISH)
    text = mailbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert "thank you for registering" in text
    queue_reminders(event.starts_at - timedelta(hours=1), event.starts_at + timedelta(hours=1))
    deliver_queued()
    assert mailbox[-1]["Subject"].startswith("Tomorrow")


def test_an_existing_account_keeps_the_language_it_registered_in(
        client, create_event, register, mailbox):
    # Made at a German meeting by the desk (not a choice); registering for the next meeting
    # from an English browser stores that language for the mails.
    first, second = create_event(), create_event()
    user = register(first, email="back@example.org").user
    deliver_queued()
    mailbox.clear()
    _register_by_form(client, second, "back@example.org", ENGLISH)
    client.get(confirm_link(mailbox[0]), headers=ENGLISH)
    text = mailbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert "thank you for registering" in text
    assert reloaded(user).locale == "en"


def test_a_mail_to_everyone_is_written_per_person_in_their_language(
        app, client, create_event, organiser, mailbox):
    event = create_event()
    _register_by_form(client, event, "ann@example.org", ENGLISH)
    client.get(confirm_link(mailbox[-1]))
    german = app.test_client()
    german.post(f"/events/{event.slug}/register", data={
        "name": "Jana Neu", "email": "jana@example.org", "organisation": "Cluster Ost",
        "consent": "y"}, headers=GERMAN)
    german.get(confirm_link(mailbox[-1]))
    mailbox.clear()
    assert queue_message(organiser, event, "Hinweis", "Bitte pünktlich sein.") == 2
    deliver_queued()
    footers = {mail["To"]: mail.get_body(preferencelist=("plain",)).get_content()
               for mail in mailbox}
    assert footers["ann@example.org"].startswith("Hello Ann Smith")
    assert footers["jana@example.org"].startswith("Guten Tag Jana Neu")
