"""Vote cards: printed, handed out at the desk, scanned or typed, one vote per poll, secret."""

import re

import pytest
from sqlalchemy import func, select

from eventapp.awards import cards, eligibility, polls, tally, voting
from eventapp.awards.models import CardParticipation, Participation, VoteCard
from eventapp.checkin.services import check_in
from eventapp.extensions import db
from eventapp.live import services as live
from eventapp.registration.tickets import ticket_code

from ..helpers import audit_rows, reloaded

CODE = re.compile(r"^[A-HJKMNP-Z2-9]{6}-[A-HJKMNP-Z2-9]{6}-[A-HJKMNP-Z2-9]{6}$")
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]+)<')


@pytest.fixture
def hall(create_event, organiser):
    """A published event with three finalists, an open vote and four printed cards."""
    event = create_event(finalists=3, format="in_person", venue="Berlin", sessions=())
    printed = cards.create_cards(organiser, event, 4)
    poll = live.open_vote(organiser, event, "ClusterERFOLG")
    return event, poll, printed


def _vote_with(client, event, finalist_id):
    url = f"/events/{event.slug}/vote"
    return client.post(url, data={"finalist": finalist_id, "confirmed": "1"})


def test_cards_carry_89_random_bits_in_a_typeable_code(hall):
    _event, _poll, printed = hall
    codes = [cards.code_of(card) for card in printed]
    assert all(CODE.match(code) for code in codes) and len(set(codes)) == 4
    assert [card.number for card in printed] == [1, 2, 3, 4]
    # Nothing stored is the code: only its hash and the salt it is derived from.
    stored = db.session.execute(select(VoteCard.__table__)).all()
    assert not any(code.replace("-", "") in str(row) for row in stored for code in codes)


def test_scanning_a_card_opens_the_ballot_without_sign_in_and_votes_once(client, hall):
    event, poll, printed = hall
    code = cards.code_of(printed[0])
    scanned = client.get(f"/c/{code.replace('-', '')}")
    assert scanned.status_code == 302 and scanned.headers["Location"].endswith(
        f"/events/{event.slug}/vote")
    ballot = client.get(f"/events/{event.slug}/vote").get_data(as_text=True)
    assert "Netzwerk 1" in ballot and "Netzwerk 3" in ballot  # a card sees every candidate
    assert "Team" in ballot  # ... and is asked not to vote for its holder's own

    first = _vote_with(client, event, poll.candidates[0].id)
    assert first.status_code == 200 and RECEIPT.search(first.get_data(as_text=True))
    again = _vote_with(client, event, poll.candidates[1].id)
    assert again.status_code == 409 and "Stimmkarte" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CardParticipation)) == 1
    assert reloaded(poll).votes_cast == 1


def test_a_typed_code_works_in_any_case_with_spaces(client, hall):
    event, poll, printed = hall
    start = client.get(f"/events/{event.slug}/vote")
    assert start.status_code == 200 and "Stimmkarte" in start.get_data(as_text=True)
    typed = cards.code_of(printed[1]).lower().replace("-", " ")
    entered = client.post(f"/events/{event.slug}/vote/card", data={"code": typed})
    assert entered.status_code == 303
    assert _vote_with(client, event, poll.candidates[2].id).status_code == 200


@pytest.mark.parametrize("code", ["", "ABCDEF", "ABCDEF-GHJKMN-PQRSTU", "O0O0O0-I1I1I1-L1L1L1",
                                  "ä" * 18, "x" * 40])
def test_a_wrong_code_gets_a_message_not_a_ballot(client, hall, code):
    event, _poll, _printed = hall
    response = client.post(f"/events/{event.slug}/vote/card", data={"code": code})
    assert response.status_code in (404, 422)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}/vote").get_data(as_text=True).count(
        'name="finalist"') == 0


def test_a_card_of_another_event_is_not_a_card_here(client, hall, create_event, organiser):
    event, _poll, _printed = hall
    other = create_event(sessions=())
    (foreign,) = cards.create_cards(organiser, other, 1)
    response = client.post(f"/events/{event.slug}/vote/card",
                           data={"code": cards.code_of(foreign)})
    assert response.status_code == 404


def test_a_voided_card_is_refused_and_its_replacement_votes(client, hall, organiser):
    event, poll, printed = hall
    client.get(f"/c/{cards.code_of(printed[0])}")
    cards.void_card(organiser, event, printed[0].number)
    refused = _vote_with(client, event, poll.candidates[0].id)
    assert refused.status_code == 403 and "verloren" in refused.get_data(as_text=True)
    assert client.get(f"/c/{cards.code_of(printed[0])}").status_code == 403  # scanned again
    client.get(f"/c/{cards.code_of(printed[1])}")
    assert _vote_with(client, event, poll.candidates[0].id).status_code == 200
    assert [row.details for row in audit_rows("cards.voided")] == [{"number": 1}]


def test_a_voided_card_is_refused_in_the_meetings_language(client, create_event, organiser):
    # /c/<code> names no meeting in its URL, yet its refusal speaks the meeting's language.
    event = create_event(finalists=2, language="en")
    (card,) = cards.create_cards(organiser, event, 1)
    cards.void_card(organiser, event, card.number)
    # A browser asking for neither language reads the meeting's (issue 35, item 6).
    refused = client.get(f"/c/{cards.code_of(card)}", headers={"Accept-Language": "fr-FR"})
    assert refused.status_code == 403 and "reported lost" in refused.get_data(as_text=True)


def test_who_received_a_card_votes_with_it_not_also_with_the_link(
        client, auth, hall, register, organiser):
    event, poll, printed = hall
    person = register(event)
    check_in(organiser, event, person)
    from eventapp.checkin.services import hand_out_card

    hand_out_card(organiser, event, person)
    with pytest.raises(eligibility.NotEligible):
        voting.cast_vote(poll, person.user, poll.candidates[0].id)
    assert voting.cast_card_vote(poll, printed[0], poll.candidates[0].id)


def test_a_poll_for_personal_links_only_refuses_cards(client, auth, create_event, register,
                                                      organiser):
    event = create_event(finalists=2, sessions=())
    (card,) = cards.create_cards(organiser, event, 1)
    person = register(event)
    check_in(organiser, event, person)
    from eventapp.checkin.services import hand_out_card

    hand_out_card(organiser, event, person)
    poll = live.open_vote(organiser, event, "Strict", cards_may_vote=False)
    client.get(f"/c/{cards.code_of(card)}")
    refused = _vote_with(client, event, poll.candidates[0].id)
    assert refused.status_code == 403
    # Its holder votes with the personal link instead.
    assert voting.cast_vote(poll, person.user, poll.candidates[0].id)


def test_the_desk_notes_only_that_a_card_was_handed_out(orga, hall, register):
    event, _poll, _printed = hall
    person = register(event, email="karla@example.org")
    url = f"/organiser/events/{event.slug}/checkin/card"
    assert orga.post(url, data={"registration_id": person.id}).status_code == 409  # not here
    orga.post(f"/organiser/events/{event.slug}/checkin", data={"registration_id": person.id})
    assert orga.post(url, data={"registration_id": person.id}).status_code == 303
    assert reloaded(person).vote_card_received is True
    assert orga.post(url, data={"registration_id": person.id}).status_code == 409  # one card
    assert [row.details for row in audit_rows("cards.handed_out")] == [
        {"registration": person.id}]


def test_after_a_check_in_the_desk_shows_the_person_with_the_card_button(orga, hall, register):
    # One scan, one click: the card is handed out without searching for the person again.
    event, _poll, _printed = hall
    person = register(event, name="Jörg Übel")
    desk = f"/organiser/events/{event.slug}/checkin"
    for checked_in in (orga.post(desk, data={"ticket": ticket_code(person)}),
                       orga.post(f"{desk}/walk-in", data={
                           "name": "Åse Ündal", "email": "ase@example.org", "consent": "y"})):
        assert checked_in.status_code == 303
        page = orga.get(checked_in.headers["Location"]).get_data(as_text=True)
        assert "Stimmkarte ausgegeben" in page


def test_the_organiser_makes_prints_and_voids_cards(orga, create_event):
    event = create_event(sessions=())
    made = orga.post(f"/organiser/events/{event.slug}/vote-cards", data={"count": "9"})
    assert made.status_code == 303
    sheet = orga.get(made.headers["Location"]).get_data(as_text=True)
    assert sheet.count('class="vote-card"') == 9 and sheet.count('class="sheet"') == 2
    codes = re.findall(r'class="vote-card-code">([^<]+)<', sheet)
    assert all(CODE.match(code) for code in codes)
    # Printed again, the same cards carry the same codes (in another order).
    again = orga.get(f"/organiser/events/{event.slug}/vote-cards/sheet?first=1&last=9")
    assert sorted(re.findall(r'class="vote-card-code">([^<]+)<',
                             again.get_data(as_text=True))) == sorted(codes)
    assert orga.post(f"/organiser/events/{event.slug}/vote-cards/void",
                     data={"number": "3"}).status_code == 303
    assert orga.post(f"/organiser/events/{event.slug}/vote-cards/void",
                     data={"number": "3"}).status_code == 409
    assert orga.post(f"/organiser/events/{event.slug}/vote-cards/void",
                     data={"number": "99"}).status_code == 404
    for bad in ("0", "-1", "abc", "2001"):
        assert orga.post(f"/organiser/events/{event.slug}/vote-cards",
                         data={"count": bad}).status_code == 422


def test_card_votes_are_as_secret_as_personal_ones(client, hall, organiser):
    event, poll, printed = hall
    for card in printed:
        client.get(f"/c/{cards.code_of(card)}")
        assert _vote_with(client, event, poll.candidates[0].id).status_code == 200
    polls.close_poll(organiser, poll)
    # What a card voted is in the mixed ballots only; no table links a card to a ballot.
    assert db.session.scalar(select(func.count()).select_from(CardParticipation)) == 4
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0
    assert [s.votes for s in tally.tally(poll)][0] == 4


def test_who_voted_by_link_gets_a_card_only_once_that_vote_has_closed(orga, hall, register,
                                                                       organiser):
    # Else the card would vote a second time in the poll the link voted in already.
    event, poll, _printed = hall
    person = register(event, name="Lina Link")
    voting.cast_vote(poll, person.user, poll.candidates[0].id)
    orga.post(f"/organiser/events/{event.slug}/checkin", data={"registration_id": person.id})
    card_url = f"/organiser/events/{event.slug}/checkin/card"

    refused = orga.post(card_url, data={"registration_id": person.id})
    assert refused.status_code == 409
    assert "nach dem Ende der Abstimmung" in refused.get_data(as_text=True)
    assert reloaded(person).vote_card_received is False
    assert audit_rows("cards.handed_out") == []

    live.close_vote(organiser, event)
    assert orga.post(card_url, data={"registration_id": person.id}).status_code == 303
    assert reloaded(person).vote_card_received is True


def test_a_link_vote_in_a_poll_cards_may_not_vote_in_does_not_hold_up_the_card(
        orga, create_event, register, organiser):
    event = create_event(finalists=2, format="in_person", venue="Berlin", sessions=())
    cards.create_cards(organiser, event, 1)
    poll = live.open_vote(organiser, event, "Strict", cards_may_vote=False)
    person = register(event)
    voting.cast_vote(poll, person.user, poll.candidates[0].id)
    check_in(organiser, event, person)
    assert orga.post(f"/organiser/events/{event.slug}/checkin/card",
                     data={"registration_id": person.id}).status_code == 303


def test_a_card_ballot_of_a_people_award_asks_its_people_not_to_vote_for_themselves(
        client, create_event, organiser):
    event = create_event(format="in_person", venue="Berlin", sessions=())
    (card,) = cards.create_cards(organiser, event, 1)
    award = polls.create_poll(organiser, event, "Clustermanager des Jahres", kind="people",
                              people=[polls.Person("Ada Muster"), polls.Person("Bo Beispiel")])
    live.open_vote(organiser, event, poll_id=award.id)
    client.get(f"/c/{cards.code_of(card)}")
    ballot = client.get(f"/events/{event.slug}/vote").get_data(as_text=True)
    assert "Ada Muster" in ballot and "Bo Beispiel" in ballot
    assert "nicht für sich selbst" in ballot


def test_each_printing_lays_the_cards_out_in_a_new_random_order(orga, create_event):
    # The desk hands cards out from the top of the stack: were the stack in number order, the
    # order of check-ins in the audit log would tell which number went to whom.
    event = create_event(sessions=())
    orga.post(f"/organiser/events/{event.slug}/vote-cards", data={"count": "16"})
    url = f"/organiser/events/{event.slug}/vote-cards/sheet?first=1&last=16"
    printings = [re.findall(r"Stimmkarte Nr\. (\d+)<", orga.get(url).get_data(as_text=True))
                 for _ in range(3)]
    assert all(sorted(map(int, numbers)) == list(range(1, 17)) for numbers in printings)
    assert len({tuple(numbers) for numbers in printings}) == 3
    page = orga.get(f"/organiser/events/{event.slug}/vote-cards").get_data(as_text=True)
    assert "mischen" in page


def test_the_vote_start_page_sends_the_personal_link_back_to_the_ballot(
        client, hall, register, mailbox):
    event, poll, _printed = hall
    person = register(event, email="ohne.karte@example.org")
    start = client.get(f"/events/{event.slug}/vote").get_data(as_text=True)
    link = re.search(r'href="([^"]*sign-in[^"]*)"[^>]*>Persönlichen Link zusenden', start).group(1)
    assert client.get(link).status_code == 200
    # The form posts to its own address, which carries where the link leads.
    assert client.post(link, data={"email": person.user.email}).status_code in (302, 303)
    bodies = [m.get_body(("plain",)).get_content() for m in mailbox
              if m["To"] == person.user.email]
    mailed = next(found.group(0) for body in bodies
                  if (found := re.search(r"https?://\S+/auth/link/\S+next=\S+", body)))
    signed_in = client.get(mailed)
    assert signed_in.status_code in (302, 303)
    assert signed_in.headers["Location"].endswith(f"/events/{event.slug}/vote")
    assert f'value="{poll.candidates[0].id}"' in client.get(
        f"/events/{event.slug}/vote").get_data(as_text=True)


def test_a_refused_card_keeps_the_person_the_desk_had_found(orga, hall, register):
    # The desk had searched for the person: after the refusal the search and the person stay.
    event, poll, _printed = hall
    person = register(event, name="Lina Link")
    voting.cast_vote(poll, person.user, poll.candidates[0].id)
    orga.post(f"/organiser/events/{event.slug}/checkin", data={"registration_id": person.id})
    desk = orga.get(f"/organiser/events/{event.slug}/checkin?q=Lina").get_data(as_text=True)
    card_form = re.search(r'<form method="post" action="([^"]+/checkin/card[^"]*)"', desk)

    refused = orga.post(card_form.group(1).replace("&amp;", "&"),
                        data={"registration_id": person.id})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert 'value="Lina"' in page  # the search field
    assert f'name="registration_id" value="{person.id}"' in page
