"""Build the demo's one story from the facts in clustertreffen-2022.json (docs/design.md):

- the reference meeting on its historic day, 20 October 2022, over: its award vote is
  revealed (NIRO won), so its result and the hall of fame ("2022 · ClusterERFOLG 2022")
  have something to show; an example second day, rooms and the keynote speakers' profiles
  show the day-by-day agenda and the speaker pages, and its word cloud on transformation and
  its feedback survey have their answers;
  the audience's questions to its first impulse talk (examples), some upvoted, one answered;
- the same network's next annual meeting, on the next 20 October (or `--date`), open for
  registration, with the same programme, its people registered, vote cards and its polls
  as drafts to try from the live control; its breakouts are ranked by a deadline a week
  before (most people have ranked them, the organiser runs the allocation), and a few of
  its people are on the list for meeting each other, with accepted meetings;
- a member network's conference four weeks after it, with a guest list.
"""

import io
import json
import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from ..allocation import services as allocation
from ..allocation.models import AllocationMode
from ..auth.services import create_organiser, find_user_by_email
from ..awards import cards, hall_of_fame, photos, polls, voting
from ..awards import finalists as awards
from ..awards.models import PollKind
from ..breakouts import services as breakouts
from ..database import utcnow, write_transaction
from ..errors import NotFound
from ..events import services as events
from ..events.models import AgendaKind, Event, EventStatus
from ..feedback import services as feedback
from ..invitations import services as invitations
from ..live import services as live
from ..matchmaking import services as matchmaking
from ..networks import roles
from ..networks import services as networks
from ..networks.models import DEFAULT_COLOUR, EventRole
from ..questions import services as questions
from ..registration import services as registration
from ..speakers import services as speakers
from ..wordcloud import services as clouds

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).with_name("clustertreffen-2022.json")
DEMO_ORGANISER_EMAIL = "organiser@example.org"
DEMO_ORGANISER_PASSWORD = "clusterdemo2022"  # printed by `make run`; demo data only
DEMO_VOTE_CARDS = 16
# The programme's network, in the app's own colours, and a member network with its own.
DEMO_NETWORK = {"slug": "go-cluster", "name": "go-cluster", "short_name": "go-cluster",
                "colour": DEFAULT_COLOUR}
MEMBER_NETWORK = {"slug": "niro", "name": "Netzwerk Industrie RuhrOst e. V.",
                  "short_name": "NIRO", "colour": "#7a1f3d"}
MEMBER_CONFERENCE_SLUG = "niro-netzwerkkonferenz"
# The network's next annual meeting, after the one of 2022.
UPCOMING_SLUG = "jahrestreffen-go-cluster"
# Its guest list (made-up addresses; not yet invited, so the organiser can try sending) and
# the places kept for guests of honour and the press.
MEMBER_GUESTS = """Name;E-Mail;Organisation;Kategorie;Sprache
Dr. Petra Lang;petra.lang@example.org;Ministerium für Wirtschaft NRW;VIP;de
Jan Kowalski;jan.kowalski@example.org;Westfälische Rundschau;Presse;de
Sofia Rossi;sofia.rossi@example.org;Cluster Lombardia;Gast;en
Heike Brandt;heike.brandt@example.org;Brandt Metallbau GmbH;Mitglied;de
Ömer Yıldız;oemer.yildiz@example.org;Yıldız Logistik;Mitglied;de
Prof. Lena Vogt;lena.vogt@example.org;Hochschule Hamm-Lippstadt;Speaker;de
"""
MEMBER_RESERVED = {"vip": 5, "press": 5}
# People with one role in the demo meeting, to try what each may do (same password).
DEMO_STAFF = [("checkin@example.org", "Carla Check-in", EventRole.CHECKIN),
              ("presenter@example.org", "Pia Moderation", EventRole.PRESENTER)]
# The audience question of the demo (an example, in the meeting's language: it is data, not UI).
DEMO_QUESTION = "Soll das nächste Clustertreffen wieder hybrid stattfinden?"
DEMO_PEOPLE_AWARD = "Clustermanager:in des Jahres (Beispiel)"
DEMO_PEOPLE = [("Anna Beispiel", "Clustermanagerin, Beispielcluster Nord"),
               ("Ben Muster", "Clustermanager, Musternetz Süd"),
               ("Clara Probe", "Geschäftsführerin, Probecluster West")]
# The audience's questions to the first impulse talk of 2022 (examples: the report has none):
# the text, whether the asker gave their name, how many upvoted it, whether it was answered.
DEMO_KEYNOTE_QUESTIONS = [
    ("Wie halten Cluster ihr Wissen, wenn erfahrene Fachkräfte in Rente gehen?", True, 14, True),
    ("Welche Rolle spielen Hochschulen beim Wissenstransfer in kleine Unternehmen?", False, 9,
     False),
    ("Gibt es Cluster, die ihren Wissenstransfer messbar machen?", True, 5, False),
    ("Wie gelingt Transformation, wenn Mitglieder kaum Zeit für Weiterbildung haben?", False, 2,
     False),
    ("Werden die Folien nach dem Treffen geteilt?", False, 0, False),
]
# Meeting each other (data of the demo, in the meeting's language).
DEMO_TOPICS = ["Wasserstoff", "Künstliche Intelligenz", "Fachkräfte", "Internationalisierung"]
DEMO_LINES = [("Erfahrung mit EU-Förderanträgen", "Partner für ein Wasserstoff-Pilotprojekt"),
              ("Datenplattform für Mitglieder", "Cluster mit KI-Anwendungsfällen"),
              ("Ausbildungsverbund", "Ideen gegen Fachkräftemangel"),
              ("Kontakte nach Skandinavien", "Mitstreiter für eine Delegationsreise")]
FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannes", "Ida", "Jonas",
               "Katrin", "Lukas", "Mara", "Niklas", "Olga", "Paul", "Rieke", "Stefan", "Tanja",
               "Volker"]
LAST_NAMES = ["Schmidt", "Yilmaz", "Becker", "Hoffmann", "Wagner", "Krüger", "Nowak", "Schulz",
              "Fischer", "Weber", "Meyer", "Zimmermann", "Braun", "Hartmann", "Lange"]
ORGANISATIONS = ["Cluster Nanotechnologie", "Kunststoff-Netzwerk Franken", "BioRegio Nord",
                 "Automotive Cluster Ost", "Netzwerk Holzbau", "Energieregion Lausitz",
                 "Medical Valley", "Photonik-Cluster Berlin", "Smart Home Initiative",
                 "Logistik-Netzwerk Rhein"]


def load_facts() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def next_anniversary(today: date, month: int, day: int) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def seed_demo(on: date | None = None, participants: int | None = None) -> tuple[Event, bool]:
    """Create the demo unless it exists; returns the 2022 meeting and whether it was created.

    `on` is the day of the upcoming meeting (default: the next 20 October). One transaction:
    a seed that fails half-way leaves nothing behind, so running it again builds it all.
    """
    with write_transaction():
        return _seed_demo(on, participants)


def upcoming_meeting() -> Event:
    """The network's next annual meeting, open for registration (after `seed_demo`)."""
    return events.get_event(UPCOMING_SLUG, include_unpublished=True)


def _seed_demo(on: date | None, participants: int | None) -> tuple[Event, bool]:
    facts = load_facts()
    organiser = find_user_by_email(DEMO_ORGANISER_EMAIL) or create_organiser(
        DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD, "Demo-Organisation go-cluster")
    try:
        return events.get_event(facts["event"]["slug"], include_unpublished=True), False
    except events.EventNotFound:
        pass
    historic = date.fromisoformat(facts["event"]["date"])
    on = on or next_anniversary(date.today(), historic.month, historic.day)
    zone = ZoneInfo(facts["event"]["timezone"])
    network = _network(organiser, DEMO_NETWORK)
    count = facts["event"]["expected_participants"] if participants is None else participants
    # 2022: the meeting as it was, with its winner.
    past = _annual_meeting(organiser, network, facts, historic, zone, count,
                           slug=facts["event"]["slug"], title=facts["event"]["title"],
                           motto=facts["event"]["motto"],
                           description=facts["event"]["description"])
    for winner in facts["past_winners"]:  # marked as examples: the report names none
        hall_of_fame.add_past_winner(organiser, network, **winner)
    polls.create_poll(organiser, past, facts["award"]["name"])
    _vote_2022(organiser, past, facts)
    _word_cloud_2022(organiser, past, facts["word_cloud"])
    _feedback_2022(organiser, past, facts["feedback"])
    _keynote_questions(organiser, past)
    # The next one: open for registration, its polls set up beforehand as an organiser
    # would (the award, a question to the audience, an award among people), to be opened
    # from the live control; two sheets of vote cards for the hall's way of voting.
    upcoming = _annual_meeting(
        organiser, network, facts, on, zone, count, ranked=True, slug=UPCOMING_SLUG,
        title=f"Jahrestreffen des Programms go-cluster {on.year}",
        motto=facts["event"]["motto"],
        description=f"Das nächste Jahrestreffen des Programms go-cluster, mit dem "
                    f"ClusterERFOLG {on.year}. Das Programm ist das von 2022 (Beispiel).")
    cards.create_cards(organiser, upcoming, DEMO_VOTE_CARDS)
    for email, name, role in DEMO_STAFF:
        person = create_organiser(email, DEMO_ORGANISER_PASSWORD, name, platform_admin=False)
        roles.give_event_role(organiser, upcoming, person, role)
    _seed_member_conference(organiser, on, zone)
    polls.create_poll(organiser, upcoming, f"ClusterERFOLG {on.year}")
    polls.create_poll(organiser, upcoming, DEMO_QUESTION, kind=PollKind.QUESTION)
    _seed_people_award(organiser, upcoming)
    clouds.create_cloud(organiser, upcoming, facts["word_cloud"]["question"],
                        facts["word_cloud"]["max_words"])
    _seed_meeting_each_other(organiser, upcoming, registration.confirmed_registrations(upcoming))
    return past, True


def _annual_meeting(organiser, network, facts: dict, day: date, zone: ZoneInfo, count: int,
                    ranked: bool = False, **values) -> Event:
    """A go-cluster annual meeting from `day` on with the programme of 2022: agenda over two
    days with its rooms, speakers' profiles, breakouts with their rooms and video rooms,
    finalists, and `count` people registered; `ranked`: their breakouts ranked by a deadline
    a week before, first come, first served else."""

    def at(item: dict, clock: str) -> datetime:
        on = date.fromordinal(day.toordinal() + item.get("day", 1) - 1)
        return datetime.combine(on, time.fromisoformat(clock), zone)

    agenda = facts["agenda"]
    event = events.create_event(
        organiser, network, **values, starts_at=at(agenda[0], agenda[0]["start"]),
        ends_at=at(agenda[-1], agenda[-1]["end"]), format=facts["event"]["format"], venue="",
        online_link=f"https://meet.example.org/{values['slug']}",
        # Not a provider the stage embeds: the stage page links to it.
        stream_url=f"https://stream.example.org/{values['slug']}",
        registration_opens_at=None, registration_closes_at=None, capacity=None)
    items = [events.add_agenda_item(
        organiser, event, starts_at=at(item, item["start"]), ends_at=at(item, item["end"]),
        kind=item["kind"], title=item["title"], speaker=item.get("speaker", ""),
        affiliation=item.get("affiliation", ""), room=item["room"]) for item in agenda]
    _seed_speakers(organiser, event, facts["speakers"], items)
    slot = next(item for item in items if item.kind == AgendaKind.BREAKOUTS)
    # An online meeting: each breakout has its room and its video room.
    sessions = [breakouts.add_session(organiser, slot, title=b["title"], description="",
                                      host="", capacity=b["seats"], room=b["room"],
                                      room_url=f"https://meet.example.org/{event.slug}-room-{n}")
                for n, b in enumerate(facts["breakouts"], start=1)]
    for order, finalist in enumerate(facts["finalists"], start=1):
        awards.add_finalist(
            organiser, event, logo=_demo_logo(finalist["initials"], order),
            organisation=finalist["organisation"], project_title=finalist["title"],
            summary=finalist["summary"], presenter=finalist["presenter"], pitch_order=order,
            pitch_seconds=finalist["pitch_seconds"])
    events.set_event_status(organiser, event, EventStatus.PUBLISHED)
    if ranked:  # before the registrations: their choices on the form wait for the ranking
        allocation.save_settings(organiser, event, AllocationMode.RANKED, None)
    _register_participants(event, sessions, count)
    if ranked:
        _rank_breakouts(organiser, event, sessions, deadline=at({}, "00:00") - timedelta(days=7))
    return event


def _seed_speakers(organiser, event: Event, profiles: list[dict], items: list) -> None:
    """The keynote speakers' profiles, each with a photo of their initials, linked to the
    agenda items that name them."""
    for order, profile in enumerate(profiles, start=1):
        initials = "".join(part[0] for part in profile["name"].split()[-2:])
        speakers.save_speaker(
            organiser, event, **profile, photo=_demo_logo(initials, order),
            agenda_item_ids=[item.id for item in items if item.speaker == profile["name"]])


def _rank_breakouts(organiser, event: Event, sessions, deadline: datetime) -> None:
    """Five in six have ranked every session, more of them the first one first (so that the
    allocation has something to decide); then the deadline is set, which may have passed
    (`--date` soon): ranking is closed then, and the allocation is the organiser's to run."""
    for number, person in enumerate(registration.confirmed_registrations(event)):
        if number % 6 == 5:
            continue
        first = 0 if number % 2 == 0 else 1 + number % 4 // 2
        ranking = [sessions[first]] + [s for s in sessions if s is not sessions[first]]
        allocation.save_ranking(person, sessions[0].slot_id, [s.id for s in ranking])
    allocation.save_settings(organiser, event, AllocationMode.RANKED, deadline)


def _seed_people_award(organiser, event: Event) -> None:
    """An award among people with their photos, as the European conference of 2020 voted one
    (made-up people: the 2022 report names none)."""
    people = [polls.Person(name, role) for name, role in DEMO_PEOPLE]
    award = polls.create_poll(organiser, event, DEMO_PEOPLE_AWARD, kind=PollKind.PEOPLE,
                              people=people)
    for order, option in enumerate(award.candidates):
        initials = "".join(part[0] for part in option.name.split()[:2])
        photos.set_photo(organiser, award, option.id, _demo_logo(initials, order + 1))


def _network(organiser, values: dict):
    try:
        return networks.get_network(values["slug"])
    except NotFound:
        return networks.create_network(organiser, **values)


def _seed_member_conference(organiser, on: date, zone: ZoneInfo) -> Event:
    """A member network's own conference in its own colours, four weeks after the meeting."""
    network = _network(organiser, MEMBER_NETWORK)
    day = date.fromordinal(on.toordinal() + 28)

    def at(clock: str) -> datetime:
        return datetime.combine(day, time.fromisoformat(clock), zone)

    event = events.create_event(
        organiser, network, slug=MEMBER_CONFERENCE_SLUG,
        title=f"NIRO-Netzwerkkonferenz {day.year}", motto="Nachhaltigkeit ins Netzwerk bringen",
        description="Die Konferenz der Mitglieder von NIRO, mit Gästen aus Politik und Presse.",
        starts_at=at("10:00"), ends_at=at("16:00"), format="in_person",
        venue="Kamen, Technologiezentrum", online_link="", stream_url="",
        registration_opens_at=None, registration_closes_at=None, capacity=120)
    for start, end, kind, title, speaker in (
            ("10:00", "10:30", "opening", "Begrüßung", "Vorstand NIRO"),
            ("10:30", "11:15", "talk", "Grußwort der Landesregierung", "Staatssekretärin"),
            ("11:15", "12:30", "talk", "NaLiMa: ein Jahr danach", "Projektteam NaLiMa"),
            ("15:30", "16:00", "closing", "Ausklang", "")):
        events.add_agenda_item(organiser, event, starts_at=at(start), ends_at=at(end),
                               kind=kind, title=title, speaker=speaker, affiliation="")
    events.set_event_status(organiser, event, EventStatus.PUBLISHED)
    invitations.add_guests(organiser, event, text=MEMBER_GUESTS)
    invitations.update_settings(organiser, event, invitation_only=False,
                                reserved=MEMBER_RESERVED)
    return event


def _vote_2022(organiser, event: Event, facts: dict) -> None:
    """The 2022 vote: every participant votes, NIRO wins, and the big screen reveals every
    place, so that the result and the hall of fame are public (no vote without people)."""
    people = registration.confirmed_registrations(event)
    if not people:
        return
    (award,) = polls.polls_of(event)
    poll = live.open_vote(organiser, event, facts["award"]["name"], poll_id=award.id)
    winner = next(f for f in poll.candidates if f.organisation == facts["award"]["winner"])
    others = [f for f in poll.candidates if f is not winner]
    for number, entry in enumerate(people):
        # Half for the winner, 30 % and 20 % for the others: a clear result, as in 2022.
        choice = winner if number % 10 < 5 else others[0] if number % 10 < 8 else others[-1]
        voting.cast_vote(poll, entry.user, choice.id)
    live.close_vote(organiser, event)
    live.announce(organiser, event)
    for _place in poll.candidates:  # as many steps as places at most: the winner comes last
        live.reveal_next(organiser, event)


def _word_cloud_2022(organiser, event: Event, facts: dict) -> None:
    """The word cloud of 2022: participants answered (example words), and it was closed."""
    cloud = clouds.create_cloud(organiser, event, facts["question"], facts["max_words"])
    clouds.open_cloud(organiser, cloud)
    people = registration.confirmed_registrations(event)
    for person, words in zip(people, facts["answers"], strict=False):
        clouds.answer(person, cloud.id, words)
    clouds.close_cloud(organiser, cloud)


def _feedback_2022(organiser, event: Event, facts: dict) -> None:
    """The 2022 survey and its answers (examples); each item rated near the meeting's mark.
    The demo mails no one: it opens the survey for its answers, then closes it as it was
    closed 14 days after the meeting."""
    feedback.save_survey(organiser, event, facts["question_1"], facts["question_2"], 14, True)
    with write_transaction():
        feedback.survey_of(event).closes_at = utcnow() + timedelta(hours=1)
    items = [key for key, _label in feedback.rated_items(event)]
    links = feedback.issue_links(event, len(facts["meeting"]))
    for number, (link, mark) in enumerate(zip(links, facts["meeting"], strict=True)):
        feedback.answer(link, mark, {key: min(5, max(1, mark + (number + place) % 3 - 1))
                                     for place, key in enumerate(items)},
                        facts["liked"][number % len(facts["liked"])] if number % 2 else "",
                        facts["better"][number % len(facts["better"])] if number % 3 == 0
                        else "")
    with write_transaction():
        feedback.survey_of(event).closes_at = event.ends_at + timedelta(days=14)


def _keynote_questions(organiser, event: Event) -> None:
    """The questions to the first impulse talk, approved, upvoted by different people, the
    first one answered (no question without people)."""
    people = registration.confirmed_registrations(event)
    if not people:
        return
    keynote = next(item for item in event.agenda_items if item.kind == AgendaKind.TALK)
    for number, (text, named, upvotes, answered) in enumerate(DEMO_KEYNOTE_QUESTIONS):
        asker = people[number % len(people)]
        question = questions.ask(event, questions.Asker(f"user:{asker.user_id}"), text,
                                 name=asker.user.name if named else "", item_id=keynote.id)
        questions.moderate(organiser, event, question.id, "approve")
        for voter in people[:upvotes]:
            questions.upvote(event, questions.Asker(f"user:{voter.user_id}"), question.id)
        if answered:
            questions.moderate(organiser, event, question.id, "answer")
            questions.moderate(organiser, event, question.id, "answered")


def _register_participants(event: Event, sessions, count: int) -> None:
    # Confirmed directly (no mailed link to open) and mailed nothing: the addresses are made up.
    # They registered over the six weeks before today, more of them lately, as people do (the
    # dashboard's timeline shows it).
    now = utcnow()
    for number in range(count):
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        last = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
        result = registration.register_directly(
            event, name=f"{first} {last}", email=f"teilnehmer{number + 1:02d}@example.org",
            organisation=ORGANISATIONS[number % len(ORGANISATIONS)], consent=True,
            public_listing=number % 3 != 0,
            session_ids=[sessions[number % len(sessions)].id], notify=False)
        if result.created:
            with write_transaction():
                result.registration.created_at = now - timedelta(
                    days=round(42 * (1 - ((number + 1) / count) ** 0.5)), hours=number % 9)


def _seed_meeting_each_other(organiser, event: Event, people: list) -> None:
    """Topics, four participants on the list, each with an accepted meeting, and a request
    waiting for its answer (mailed nothing)."""
    matchmaking.save_topics(organiser, event, "\n".join(DEMO_TOPICS))
    on_the_list = people[:4]
    for number, person in enumerate(on_the_list):
        offers, looks_for = DEMO_LINES[number % len(DEMO_LINES)]
        matchmaking.opt_in(person, offers, looks_for,
                           [DEMO_TOPICS[number % len(DEMO_TOPICS)]])
    breakouts_end = next(item.ends_at for item in event.agenda_items
                         if item.kind == AgendaKind.BREAKOUTS)
    asked = [(0, 1, "Kaffee in der ersten Pause?", None, True),
             (2, 3, "Nach den Breakouts am Stand von Cluster Nanotechnologie?", breakouts_end,
              True),
             (3, 0, "Kurz zu Förderanträgen sprechen?", None, False)]  # not answered yet
    for sender, recipient, message, meets_at, accepted in asked:
        if max(sender, recipient) < len(on_the_list):
            request = matchmaking.request_meeting(on_the_list[sender], on_the_list[recipient].id,
                                                  message, meets_at, notify=False)
            if accepted:
                matchmaking.answer(on_the_list[recipient], request.id, accept=True,
                                   notify=False)


def _demo_logo(initials: str, order: int) -> bytes:
    colours = ["#0b5394", "#38761d", "#a61c00", "#674ea7"]
    image = Image.new("RGB", (400, 400), colours[order % len(colours)])
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=120 if len(initials) <= 2 else 90)
    draw.text((200, 200), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
