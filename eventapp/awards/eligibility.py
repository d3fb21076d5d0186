"""Who may vote: a person's registration, team and participation in one query (the hot path),
a poll's rules of eligibility, and the ballot as one person or one vote card sees it."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, func, select

from ..auth.models import User
from ..auth.sessions import SessionUser
from ..errors import Forbidden
from ..extensions import db
from ..registration.models import Registration, RegistrationStatus
from .models import (
    CardParticipation,
    Eligibility,
    Finalist,
    FinalistTeamMember,
    Participation,
    Poll,
    PollOption,
    PollStatus,
    VoteCard,
)

# A voter by link: the signed-in user, or on the vote's hot path whom its session claims to be
# (the voter query checks the claim).
Person = User | SessionUser


class NotEligible(Forbidden):
    default_message = _l("Only registered participants of this event can vote.")


class VoteWithCard(NotEligible):
    """The person received a vote card: their card votes, not their link (the ballot page
    offers the field for the card's code)."""

    default_message = _l("You received a vote card at the desk: please vote with it.")


class CardsNotAllowed(Forbidden):
    default_message = _l("This vote is for personal links only: please sign in with the link "
                         "from your mail.")


class VoidedCard(Forbidden):
    default_message = _l("This vote card was reported lost and no longer counts. Please ask "
                         "at the registration desk.")

# The voter query is built once: SQLAlchemy then reuses its compiled form, and a request
# spends no time building SQL (it cost more to build than to run). It runs as Core on the
# session's connection, in its transaction: the ORM's handling of a statement that names
# mapped columns cost as much CPU as the round trip (bench/profile_vote.py --parts).

_TEAM = (select(FinalistTeamMember.user_id, FinalistTeamMember.finalist_id).join(Finalist)
         .where(Finalist.event_id == bindparam("event_id")).subquery())
_VOTER = (
    select(Registration.status, Registration.checked_in_at, Registration.present_online,
           Registration.vote_card_received,
           select(Participation.user_id).where(Participation.poll_id == bindparam("poll_id"),
                                               Participation.user_id == bindparam("user_id"))
           .exists().label("has_voted"),
           _TEAM.c.finalist_id)
    .outerjoin(_TEAM, _TEAM.c.user_id == Registration.user_id)
    # The session's generation as a condition: a session ended by signing out everywhere
    # finds no voter, so the vote need not load the signed-in user to check it.
    .join(User, (User.id == Registration.user_id)
          & (User.session_generation == bindparam("generation")))
    .where(Registration.event_id == bindparam("event_id"),
           Registration.user_id == bindparam("user_id")))
# The same for casting: it holds the registration until the vote commits, so that the desk
# cannot hand its holder a vote card meanwhile (checkin/services.py waits for it and then
# sees the vote), nor a vote go through after the card was handed out.
_VOTER_HELD = _VOTER.with_for_update(read=True, of=Registration.__table__)
# On PostgreSQL the vote's first statement also sets its timeouts (as faults.limit_waiting
# would, one round trip less): set there, they bound the lock it waits for and what follows.
_WAIT_LIMITS = (func.set_config("lock_timeout", bindparam("lock_timeout", type_=String), True),
                func.set_config("statement_timeout",
                                bindparam("statement_timeout", type_=String), True))
_VOTER_CASTING = {False: _VOTER.add_columns(*_WAIT_LIMITS),
                  True: _VOTER_HELD.add_columns(*_WAIT_LIMITS)}  # by whether cards may vote
_CARD_HAS_VOTED = (select(CardParticipation.card_id)
                   .where(CardParticipation.poll_id == bindparam("poll_id"),
                          CardParticipation.card_id == bindparam("card_id")).exists())


@dataclass(frozen=True)
class Voter:
    """What the ballot needs to know about a person: read in one query, the hot path."""

    registration_status: str | None  # None: not registered for the event
    checked_in: bool
    present_online: bool
    has_card: bool  # the desk handed them a vote card
    has_voted: bool
    own_finalist_ids: frozenset[int]


def voter_in(poll: Poll, user: Person, casting: bool = False) -> Voter:
    """The user's registration, team memberships and participation in the poll, at once
    (none for a session that has ended). `casting`: the first statement of the vote's
    transaction (on PostgreSQL it holds the registration if cards may vote, see _VOTER_HELD,
    and sets the vote's timeouts)."""
    values = {"event_id": poll.event_id, "poll_id": poll.id, "user_id": user.id,
              "generation": user.session_generation}
    connection = db.session.connection()
    statement = _VOTER
    if casting and connection.dialect.name == "postgresql":
        statement = _VOTER_CASTING[poll.cards_may_vote]
        values.update(lock_timeout=str(current_app.config["VOTE_LOCK_TIMEOUT_MS"]),
                      statement_timeout=str(current_app.config["VOTE_STATEMENT_TIMEOUT_MS"]))
    rows = connection.execute(statement, values).all()
    if not rows:
        return Voter(None, False, False, False, False, frozenset())
    status, checked_in_at, present_online, has_card, has_voted_already = rows[0][:5]
    return Voter(status, checked_in_at is not None, present_online, has_card,
                 bool(has_voted_already),
                 frozenset(row.finalist_id for row in rows if row.finalist_id is not None))


def check_eligible(poll: Poll, voter: Voter) -> None:
    """Raise NotEligible unless the voter's registration entitles them to vote in the poll."""
    if voter.registration_status != RegistrationStatus.CONFIRMED:
        raise NotEligible()
    if poll.eligibility == Eligibility.CHECKED_IN and not voter.checked_in:
        raise NotEligible(_l("Only participants who have checked in at the venue can vote."))
    if poll.eligibility == Eligibility.PRESENT and not (voter.checked_in or voter.present_online):
        raise NotEligible(_l("Only participants who are here can vote: check in at the venue, "
                             "or follow the meeting on its stage page."))
    if poll.cards_may_vote and voter.has_card:
        # Their card votes; the link must not vote a second time.
        raise VoteWithCard()


def is_own(option: PollOption, voter: Voter, user: Person) -> bool:
    """Whether the option is the voter's own: their finalist's team, or the award's about them."""
    return (option.finalist_id in voter.own_finalist_ids
            or (option.user_id is not None and option.user_id == user.id))


@dataclass(frozen=True)
class BallotSheet:
    """The ballot as one person sees it now."""

    choices: list[PollOption]  # what they may choose: never their own finalist, nor themselves
    own_finalist_ids: frozenset[int]
    has_voted: bool
    refusal: NotEligible | None  # why they may not vote in the open poll
    hides_own: bool = False  # an option left off because it is theirs


def ballot_sheet(poll: Poll | None, user: Person) -> BallotSheet:
    """What the ballot page shows the user; who they are as a voter matters only while open."""
    if poll is None or poll.status != PollStatus.OPEN:
        return BallotSheet(list(poll.candidates) if poll else [], frozenset(), False, None)
    voter = voter_in(poll, user)
    try:
        check_eligible(poll, voter)
        refusal = None
    except NotEligible as error:
        refusal = error
    choices = [o for o in poll.candidates if not is_own(o, voter, user)]
    return BallotSheet(choices, voter.own_finalist_ids, voter.has_voted, refusal,
                       hides_own=len(choices) < len(poll.candidates))



def upcoming_sheet(poll: Poll, user: Person) -> BallotSheet:
    """The ballot of a draft as the user will see it once it opens (never their own
    candidate), sent hidden with a waiting ballot page: the page shows it when the push says
    the vote is open (live/push.py), without loading again. Whether they may vote is checked
    when they vote."""
    voter = voter_in(poll, user)
    choices = [o for o in poll.candidates if not is_own(o, voter, user)]
    return BallotSheet(choices, voter.own_finalist_ids, False, None,
                       hides_own=len(choices) < len(poll.candidates))


def card_sheet(poll: Poll | None, card: VoteCard) -> BallotSheet:
    """The ballot as a card's holder sees it: every candidate (a card cannot tell whose
    team its holder is in: the page asks them not to vote for their own)."""
    candidates = list(poll.candidates) if poll else []
    if poll is None or poll.status != PollStatus.OPEN:
        return BallotSheet(candidates, frozenset(), False, None)
    voted = db.session.scalar(select(_CARD_HAS_VOTED),
                              {"poll_id": poll.id, "card_id": card.id})
    refusal = (VoidedCard() if card.voided_at is not None
               else None if poll.cards_may_vote else CardsNotAllowed())
    return BallotSheet(candidates, frozenset(), bool(voted), refusal)


def open_poll_voted_by_link(event_id: int, user_id: int) -> Poll | None:
    """The event's open poll that cards may vote in and this person voted in by link: a card
    handed to them now would vote a second time in it. Joins the caller's transaction."""
    return db.session.scalar(
        select(Poll).join(Participation, Participation.poll_id == Poll.id)
        .where(Poll.event_id == event_id, Poll.status == PollStatus.OPEN, Poll.cards_may_vote,
               Participation.user_id == user_id))
