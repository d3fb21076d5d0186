"""The call for finalists: applying (before and after the deadline, logos), the confirmation
mail, the jury's scores and the weighted ranking, the shortlist becoming finalists in one
click and the mails to applicants; and who may see and do what."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eventapp import create_app
from eventapp.awards.finalists import finalists_of
from eventapp.calls import services as calls
from eventapp.calls.models import CallApplication, JuryScore
from eventapp.database import utcnow
from eventapp.extensions import db
from eventapp.mailing.send import deliver_queued

from ..helpers import (
    assert_audited,
    assert_valid_html,
    count_rows,
    field_error,
    image_bytes,
    reloaded,
)

CRITERIA = "Innovation | 2 | 10\nWirkung | 1 | 5"
APPLICATION = {"organisation": "Netzwerk Industrie RuhrOst e. V. (NIRO)",
               "project_title": "Nachhaltigkeit ins Netzwerk bringen",
               "summary": "Projekt NaLiMa", "contact_name": "Ingrid Lange",
               "contact_email": "ingrid@niro.example.org", "answer_0": "Seit 2020",
               "consent": "y"}


@pytest.fixture
def open_call(organiser, create_event):
    """A published event with a call open for another week, one extra question, two criteria."""
    event = create_event()
    call = calls.save_call(organiser, event, opens_at=None, deadline=utcnow() + timedelta(days=7),
                           intro="Bewerben Sie sich!", questions="Seit wann läuft das Projekt?",
                           criteria=CRITERIA)
    return event, call


def _apply(client, event, logo: tuple[bytes, str] | None = None, **overrides):
    """POST the application form as multipart, with an optional logo (encoded in memory)."""
    values = {**APPLICATION, **overrides, "csrf_token": client.csrf_token()}
    if logo is not None:
        values["logo"] = FileStorage(io.BytesIO(logo[0]), filename=logo[1],
                                     content_type="application/octet-stream")
    boundary, body = encode_multipart(values)
    return client.post(f"/events/{event.slug}/call", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _application(call, number: int, **values) -> CallApplication:
    defaults = dict(organisation=f"Netzwerk {number}", project_title=f"Projekt {number}",
                    summary="Kurz", contact_name=f"Person {number}",
                    contact_email=f"person{number}@example.org", answers=["–"], consent=True)
    defaults.update(values)
    return calls.apply(call.event, **defaults)


@pytest.fixture
def juror(organiser, open_call, register):
    """A participant of the event who is on its jury."""
    event, _call = open_call
    person = register(event, email="jury@example.org", name="Judith Jury").user
    calls.add_juror(organiser, event, "jury@example.org")
    return person


# --- applying -----------------------------------------------------------------------------


def test_the_event_page_links_to_the_open_call(client, open_call):
    event, _call = open_call
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f"/events/{event.slug}/call" in page
    form = client.get(f"/events/{event.slug}/call").get_data(as_text=True)
    assert "Seit wann läuft das Projekt?" in form and "Bewerben Sie sich!" in form


def test_an_application_with_a_logo_is_saved_and_confirmed_by_mail(client, open_call, mailbox):
    event, call = open_call
    response = _apply(client, event, logo=(image_bytes("JPEG"), "logo.jpg"))

    assert response.status_code == 303
    (application,) = calls.applications_of(call)
    assert (application.organisation, application.answers, application.has_logo) == (
        APPLICATION["organisation"], ["Seit 2020"], True)
    with Image.open(io.BytesIO(application.logo_png)) as stored:
        assert stored.format == "PNG"  # re-encoded
    (message,) = mailbox
    assert message["To"] == "ingrid@niro.example.org"
    assert event.title in message["Subject"] and "Bewerbung" in message["Subject"]
    assert "Nachhaltigkeit ins Netzwerk bringen" in message.get_body(("plain",)).get_content()


def test_the_confirmation_speaks_the_applicants_language(client, open_call, mailbox):
    event, _call = open_call
    client.post("/auth/language", data={"lang": "en"})
    assert _apply(client, event).status_code == 303
    (message,) = mailbox
    assert message["Subject"].startswith("Your application")
    assert "Thank you" in client.get(f"/events/{event.slug}/call/sent").get_data(as_text=True)


@pytest.mark.parametrize("logo", [(b"GIF89a" + b"\0" * 100, "logo.png"),
                                  (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"),
                                  (image_bytes("GIF"), "logo.png")])
def test_a_bad_logo_is_refused_and_nothing_is_saved(client, open_call, mailbox, logo):
    event, _call = open_call
    response = _apply(client, event, logo=logo)

    assert response.status_code == 422
    assert "PNG oder JPEG" in response.get_data(as_text=True)
    assert count_rows(CallApplication) == 0
    assert mailbox == []


def test_a_logo_over_the_size_cap_is_refused(client, app, open_call):
    event, _call = open_call
    app.config["LOGO_MAX_BYTES"] = 1000
    response = _apply(client, event, logo=(image_bytes(size=(400, 400)) + b"\0" * 2000,
                                           "logo.png"))
    assert response.status_code == 422
    assert count_rows(CallApplication) == 0


def test_after_the_deadline_the_call_refuses_with_a_clear_message(client, organiser, open_call,
                                                                   mailbox):
    event, call = open_call
    calls.save_call(organiser, event, opens_at=utcnow() - timedelta(days=9),
                    deadline=utcnow() - timedelta(minutes=1), intro="", questions="",
                    criteria=CRITERIA)

    refused = _apply(client, event)
    page = client.get(f"/events/{event.slug}/call")

    assert refused.status_code == 409
    assert "Bewerbungen werden nicht mehr angenommen" in refused.get_data(as_text=True)
    assert page.status_code == 409 and "<form method=\"post\" class=\"form-narrow\"" not in \
        page.get_data(as_text=True)
    assert count_rows(CallApplication) == 0 and mailbox == []
    assert "/call\"" not in client.get(f"/events/{event.slug}/").get_data(as_text=True)


def test_before_it_opens_the_call_says_when(client, organiser, open_call):
    event, _call = open_call
    calls.save_call(organiser, event, opens_at=utcnow() + timedelta(days=1),
                    deadline=utcnow() + timedelta(days=9), intro="", questions="",
                    criteria=CRITERIA)
    response = _apply(client, event)
    assert response.status_code == 409 and "öffnet am" in response.get_data(as_text=True)


def test_control_characters_and_missing_fields_are_refused(client, open_call):
    event, _call = open_call
    response = _apply(client, event, organisation="Netz\x07werk", contact_email="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Steuerzeichen" in field_error(page, "organisation")
    assert field_error(page, "contact_email")
    assert count_rows(CallApplication) == 0


def test_applying_is_rate_limited_like_registration(app, open_call):
    event, _call = open_call
    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SUPPRESS_SEND": True})
    try:
        statuses = [limited.test_client().post(f"/events/{event.slug}/call",
                                               data={"organisation": "x"}).status_code
                    for _ in range(22)]
    finally:
        with limited.app_context():
            db.engine.dispose()
    assert statuses[0] == 422 and 429 not in statuses[:20] and statuses[-1] == 429
    assert count_rows(CallApplication) == 0


def test_an_event_without_a_call_has_no_application_page(client, create_event):
    assert client.get(f"/events/{create_event().slug}/call").status_code == 404


# --- the organiser's call -----------------------------------------------------------------


def test_the_organiser_opens_a_call_in_berlin_time_and_it_is_audited(orga, organiser,
                                                                      create_event):
    event = create_event()
    assert "Aufruf für Finalisten" in orga.get(f"/organiser/events/{event.slug}/").get_data(
        as_text=True)
    response = orga.post(f"/organiser/events/{event.slug}/call", data={
        "deadline": "2030-06-30T18:00", "intro": "Willkommen", "questions": "Frage A\n\nFrage B",
        "criteria": CRITERIA})

    assert response.status_code == 303
    call = calls.get_call(event)
    assert call.deadline.isoformat() == "2030-06-30T16:00:00+00:00"  # 18:00 summer time
    assert call.questions == ["Frage A", "Frage B"]
    assert [(c["name"], c["weight"], c["max"]) for c in call.criteria] == [
        ("Innovation", 2, 10), ("Wirkung", 1, 5)]
    assert_audited("call.created", organiser, event.id)
    page = orga.get(f"/organiser/events/{event.slug}/call").get_data(as_text=True)
    assert "2030-06-30T18:00" in page and "Innovation | 2 | 10" in page


def test_bad_criteria_are_refused_with_a_message(orga, create_event):
    event = create_event()
    response = orga.post(f"/organiser/events/{event.slug}/call", data={
        "deadline": "2030-06-30T18:00", "criteria": "Innovation | viel"})
    assert response.status_code == 422
    assert "ganze Zahlen" in response.get_data(as_text=True)


def test_the_organiser_manages_the_jury_by_email(orga, organiser, open_call, register):
    event, _call = open_call
    person = register(event, email="Judith@Example.org").user

    unknown = orga.post(f"/organiser/events/{event.slug}/call/jury",
                        data={"email": "nobody@example.org"})
    added = orga.post(f"/organiser/events/{event.slug}/call/jury",
                      data={"email": "judith@example.ORG"})

    assert unknown.status_code == 422 and "kein Konto" in unknown.get_data(as_text=True)
    assert added.status_code == 303
    assert calls.may_judge(person, event)
    assert_audited("call.juror_added", organiser, event.id, user=person.id)
    removed = orga.post(f"/organiser/events/{event.slug}/call/jury/{person.id}/remove", data={})
    assert removed.status_code == 303 and not calls.may_judge(person, event)


# --- scores and ranking -------------------------------------------------------------------


def test_a_juror_scores_and_changes_their_scores(client, auth, open_call, juror):
    event, call = open_call
    application = _application(call, 1)
    auth.login_participant(juror)
    url = f"/events/{event.slug}/jury/{application.id}"

    listing = client.get(f"/events/{event.slug}/jury").get_data(as_text=True)
    assert "Netzwerk 1" in listing
    first = client.post(url, data={"score_c1": "8", "score_c2": "5"})
    again = client.post(url, data={"score_c1": "6", "score_c2": "4"})
    too_many = client.post(url, data={"score_c1": "11", "score_c2": "4"})

    assert first.status_code == again.status_code == 303
    assert too_many.status_code == 422
    (row,) = db.session.scalars(select(JuryScore)).all()
    db.session.refresh(row)
    assert row.scores == {"c1": 6, "c2": 4} and row.juror_id == juror.id
    assert 'value="6"' in client.get(url).get_data(as_text=True)


def test_each_juror_sees_only_their_own_scores(client, auth, organiser, open_call, juror,
                                               register):
    event, call = open_call
    application = _application(call, 1)
    other = register(event, email="zweite@example.org").user
    calls.add_juror(organiser, event, other.email)
    calls.save_scores(other, event, application, {"c1": 9, "c2": 3})

    auth.login_participant(juror)
    page = client.get(f"/events/{event.slug}/jury/{application.id}").get_data(as_text=True)

    assert 'value="9"' not in page and 'value="3"' not in page
    assert "Noch nicht von Ihnen bewertet" in client.get(
        f"/events/{event.slug}/jury").get_data(as_text=True)


def test_the_ranking_uses_the_weighted_average_and_counts_the_scores(orga, organiser, open_call,
                                                                      juror, register):
    event, call = open_call
    first, second, unscored = (_application(call, n) for n in (1, 2, 3))
    other = register(event, email="zweite@example.org").user
    calls.add_juror(organiser, event, other.email)
    # Innovation weighs 2 (of 10 points), impact 1 (of 5): (2·s1/10 + s2/5) / 3 · 100
    calls.save_scores(juror, event, first, {"c1": 10, "c2": 0})  # 66.7
    calls.save_scores(other, event, first, {"c1": 5, "c2": 5})  # 66.7
    calls.save_scores(juror, event, second, {"c1": 10, "c2": 5})  # 100
    calls.save_scores(other, event, second, {"c1": 0, "c2": 5})  # 33.3

    ranked = calls.ranking(call)

    assert [r.application.id for r in ranked] == [first.id, second.id, unscored.id]
    assert [round(r.average, 1) if r.average is not None else None for r in ranked] == [
        66.7, 66.7, None]
    assert [r.count for r in ranked] == [2, 2, 0]
    calls.save_scores(other, event, second, {"c1": 5, "c2": 5})  # second: (100 + 66.7) / 2
    assert [r.application.id for r in calls.ranking(call)][:2] == [second.id, first.id]
    page = orga.get(f"/organiser/events/{event.slug}/call/applications").get_data(as_text=True)
    assert "83,3" in page and page.index("Netzwerk 2") < page.index("Netzwerk 1")


def test_closed_scoring_keeps_the_scores(client, auth, orga, organiser, open_call, juror):
    event, call = open_call
    application = _application(call, 1)
    calls.save_scores(juror, event, application, {"c1": 5, "c2": 5})
    assert orga.post(f"/organiser/events/{event.slug}/call/scoring", data={}).status_code == 303
    assert_audited("call.scoring_closed", organiser, event.id)

    auth.logout()
    auth.login_participant(juror)
    refused = client.post(f"/events/{event.slug}/jury/{application.id}",
                          data={"score_c1": "1", "score_c2": "1"})

    assert refused.status_code == 409
    assert "Bewertung ist abgeschlossen" in refused.get_data(as_text=True)
    assert db.session.scalars(select(JuryScore)).one().scores == {"c1": 5, "c2": 5}


def test_the_criteria_stay_once_the_jury_has_scored(organiser, open_call, juror):
    event, call = open_call
    calls.save_scores(juror, event, _application(call, 1), {"c1": 5, "c2": 5})
    with pytest.raises(calls.Conflict):
        calls.save_call(organiser, event, opens_at=None, deadline=call.deadline, intro="",
                        questions="", criteria="Neu | 1 | 10")


# --- shortlist → finalists ----------------------------------------------------------------


def test_one_click_turns_the_shortlist_into_finalists_and_mails_everyone(
        orga, organiser, open_call, juror, mailbox):
    event, call = open_call
    logo = image_bytes()
    chosen = _application(call, 1, logo=logo, summary="Das Projekt")
    also = _application(call, 2)
    declined = _application(call, 3, contact_email="third@example.org")
    calls.save_scores(juror, event, also, {"c1": 10, "c2": 5})
    deliver_queued()  # the confirmations
    mailbox.clear()

    response = orga.post(f"/organiser/events/{event.slug}/call/finalists",
                         data={"application_ids": [str(chosen.id), str(also.id)]})

    assert response.status_code == 303
    finalists = finalists_of(event)
    assert [f.organisation for f in finalists] == ["Netzwerk 2", "Netzwerk 1"]  # ranking order
    made = finalists[1]
    assert (made.project_title, made.summary, made.presenter, made.has_logo) == (
        "Projekt 1", "Das Projekt", "Person 1", True)
    assert reloaded(chosen).finalist_id == made.id
    assert [reloaded(a).status for a in (chosen, also, declined)] == [
        "accepted", "accepted", "declined"]
    assert_audited("call.finalists_chosen", organiser, event.id, finalists=2, declined=1)
    assert deliver_queued() == (3, 0)
    by_address = {m["To"]: m for m in mailbox}
    assert sorted(by_address) == ["person1@example.org", "person2@example.org",
                                  "third@example.org"]
    assert "Finalist" in by_address["person1@example.org"]["Subject"]
    body = by_address["person2@example.org"].get_body(("plain",)).get_content()
    assert "Projekt 2" in body and "Projekt 1" not in body  # each mail for its recipient
    assert "nicht unter den Finalisten" in by_address["third@example.org"].get_body(
        ("plain",)).get_content()

    again = orga.post(f"/organiser/events/{event.slug}/call/finalists",
                      data={"application_ids": [str(declined.id)]})
    assert again.status_code == 409 and len(finalists_of(event)) == 2


def test_choosing_no_application_changes_nothing(orga, open_call):
    event, call = open_call
    _application(call, 1)
    response = orga.post(f"/organiser/events/{event.slug}/call/finalists", data={})
    assert response.status_code == 422 and finalists_of(event) == []
    assert reloaded(call).decided_at is None


# --- who may ------------------------------------------------------------------------------


@pytest.fixture
def other_juror(organiser, create_event, register):
    """Someone on the jury of another event."""
    other = create_event()
    person = register(other, email="fremd@example.org").user
    calls.add_juror(organiser, other, person.email)
    return person


def _jury_urls(event, application) -> list[str]:
    return [f"/events/{event.slug}/jury", f"/events/{event.slug}/jury/{application.id}",
            f"/events/{event.slug}/jury/{application.id}/logo.png"]


def _organiser_urls(event, application) -> list[str]:
    return [f"/organiser/events/{event.slug}/call",
            f"/organiser/events/{event.slug}/call/applications",
            f"/organiser/events/{event.slug}/call/applications/{application.id}/logo.png"]


def test_visitors_participants_and_other_jurors_see_no_application_or_score(
        client, auth, open_call, juror, other_juror, register):
    event, call = open_call
    application = _application(call, 1, logo=image_bytes())
    calls.save_scores(juror, event, application, {"c1": 7, "c2": 2})
    participant = register(event, email="teilnehmer@example.org").user
    urls = _jury_urls(event, application) + _organiser_urls(event, application)

    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 302 and "/auth/sign-in" in answer.headers["Location"], url
    for person in (participant, other_juror):
        auth.login_participant(person)
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 403, (person.email, url)
            assert "Netzwerk 1" not in answer.get_data(as_text=True)
        refused = client.post(f"/events/{event.slug}/jury/{application.id}",
                              data={"score_c1": "1", "score_c2": "1"})
        assert refused.status_code == 403
        auth.logout()
    assert db.session.scalars(select(JuryScore)).one().scores == {"c1": 7, "c2": 2}


def test_a_juror_cannot_do_organiser_actions(client, auth, open_call, juror):
    event, call = open_call
    application = _application(call, 1)
    auth.login_participant(juror)
    slug = event.slug

    for url, data in [(f"/organiser/events/{slug}/call", {"deadline": "2030-01-01T10:00",
                                                          "criteria": "X"}),
                      (f"/organiser/events/{slug}/call/jury", {"email": "jury@example.org"}),
                      (f"/organiser/events/{slug}/call/jury/{juror.id}/remove", {}),
                      (f"/organiser/events/{slug}/call/scoring", {}),
                      (f"/organiser/events/{slug}/call/finalists",
                       {"application_ids": [str(application.id)]})]:
        assert client.post(url, data=data).status_code == 403, url
    assert client.get(f"/organiser/events/{slug}/call/applications").status_code == 403
    assert finalists_of(event) == [] and calls.may_judge(juror, event)
    assert not reloaded(call).scoring_closed


def test_posts_without_csrf_token_are_refused(client, auth, orga, open_call, juror):
    event, call = open_call
    application = _application(call, 1)
    slug = event.slug
    base_post = super(type(client), client).post
    for url in [f"/organiser/events/{slug}/call", f"/organiser/events/{slug}/call/jury",
                f"/organiser/events/{slug}/call/scoring",
                f"/organiser/events/{slug}/call/finalists"]:
        assert base_post(url, data={"application_ids": str(application.id),
                                    "email": "jury@example.org"}).status_code == 400, url
    auth.logout()
    assert base_post(f"/events/{slug}/call", data=APPLICATION).status_code == 400
    auth.login_participant(juror)
    assert base_post(f"/events/{slug}/jury/{application.id}",
                     data={"score_c1": "1", "score_c2": "1"}).status_code == 400
    assert count_rows(CallApplication) == 1 and count_rows(JuryScore) == 0
    assert finalists_of(event) == [] and not reloaded(call).scoring_closed


# --- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_call_pages_are_valid_html(client, auth, open_call, juror, language):
    event, call = open_call
    application = _application(call, 1, logo=image_bytes())
    calls.save_scores(juror, event, application, {"c1": 3, "c2": 4})
    client.post("/auth/language", data={"lang": language})
    slug = event.slug
    public = [f"/events/{slug}/", f"/events/{slug}/call", f"/events/{slug}/call/sent"]
    jury = [f"/events/{slug}/jury", f"/events/{slug}/jury/{application.id}"]
    organiser = [f"/organiser/events/{slug}/", f"/organiser/events/{slug}/call",
                 f"/organiser/events/{slug}/call/applications"]
    for urls, sign_in in ((public, None), (jury, lambda: auth.login_participant(juror)),
                          (organiser, auth.login_organiser)):
        if sign_in:
            sign_in()
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_valid_html(response.get_data(as_text=True), url)
