"""The award: finalists, polls, who voted (participations), what was voted (ballots), results."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db

DEFAULT_PITCH_SECONDS = 180


class Finalist(db.Model):
    __tablename__ = "finalists"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    project_title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(200), default="")
    pitch_order: Mapped[int] = mapped_column(default=1)
    pitch_seconds: Mapped[int] = mapped_column(default=DEFAULT_PITCH_SECONDS)
    # The logo lives in the database (re-encoded PNG, small) so that app servers stay stateless;
    # deferred so that lists of finalists do not load it.
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # Grows with every new logo and never goes back, so that each logo has its own address
    # (browsers cache them as immutable).
    logo_version: Mapped[int] = mapped_column(default=0)
    has_logo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    event: Mapped["Event"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Finalist {self.id} {self.organisation!r}>"


class FinalistTeamMember(db.Model):
    """A participant who belongs to a finalist's team: they may vote, but not for their own."""

    __tablename__ = "finalist_team_members"

    finalist_id: Mapped[int] = mapped_column(
        ForeignKey("finalists.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class PollStatus(StrEnum):
    """A poll's life: draft → open → closed → announced → revealed."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ANNOUNCED = "announced"
    # Public: the big screen has revealed the winner, or the organiser published without a show.
    REVEALED = "revealed"


class Eligibility(StrEnum):
    """Who may vote in a poll, besides holding a confirmed registration."""

    REGISTERED = "registered"
    CHECKED_IN = "checked_in"
    # Checked in at the venue, or present online: opened the stage page during the event.
    PRESENT = "present"


class PollKind(StrEnum):
    """What a poll is about: an award among finalists, an award among people (e.g. "Cluster
    manager of the year"), or a question answered yes, no or abstain."""

    FINALISTS = "finalists"
    PEOPLE = "people"
    QUESTION = "question"


class Answer(StrEnum):
    """The options of a question."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Poll(db.Model):
    """A vote (an award or a question): draft → open → closed → announced → revealed."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=PollKind.FINALISTS,
                                      server_default=PollKind.FINALISTS)
    # False: the result is a ranking only; screen, results page and hall of fame show no counts.
    show_counts: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    status: Mapped[str] = mapped_column(String(20), default=PollStatus.DRAFT)
    eligibility: Mapped[str] = mapped_column(String(20), default=Eligibility.REGISTERED,
                                             server_default=Eligibility.REGISTERED)
    # False: personal links only, for a strict conflict-of-interest rule (a card's ballot
    # cannot hide the holder's own finalist).
    cards_may_vote: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    # A finalists poll set up without choosing them: its options follow the event's finalists
    # while it is a draft, so that a phone waiting for the vote already holds its ballot.
    all_finalists: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # A run-off among the tied finalists of its parent.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    # Kept by the vote's own UPDATE, which also proves the poll was open when it committed.
    votes_cast: Mapped[int] = mapped_column(default=0)
    # Fixed when the poll opens, so that turnout costs nothing per request.
    eligible_count: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the live control last put it on the screen (opened it): the newest such poll is
    # the one the ballot, the screen and the phones follow, not merely the newest poll.
    on_screen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event"] = relationship()  # noqa: F821
    candidates: Mapped[list["PollOption"]] = relationship(
        order_by="(PollOption.position, PollOption.id)", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def is_runoff(self) -> bool:
        return self.parent_id is not None

    def __repr__(self) -> str:
        return f"<Poll {self.id} {self.status}>"


class PollOption(db.Model):
    """One choice on a poll's ballot: a finalist, a person, or an answer (yes/no/abstain).

    Ballots name the option, so that one vote path serves every kind of poll.
    """

    __tablename__ = "poll_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    finalist_id: Mapped[int | None] = mapped_column(
        ForeignKey("finalists.id", ondelete="CASCADE"), index=True)
    # A person of a people-award: name and role as shown; the account, if the person has
    # one, so that their personal-link ballot never shows them themselves.
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(String(10))
    # A person's photo, kept like a finalist's logo: a re-encoded PNG in the database,
    # deferred, its version in its address.
    photo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_version: Mapped[int] = mapped_column(default=0, server_default="0")
    has_photo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    finalist: Mapped["Finalist | None"] = relationship(lazy="joined")

    @property
    def organisation(self) -> str:
        """The option's main line (named as a finalist's, which most options are)."""
        if self.finalist is not None:
            return self.finalist.organisation
        if self.answer:
            return str(answer_label(self.answer))
        return self.name

    @property
    def project_title(self) -> str:
        """The option's second line: a finalist's project, a person's role."""
        return self.finalist.project_title if self.finalist is not None else self.role

    def __repr__(self) -> str:
        return f"<PollOption {self.id} of poll {self.poll_id}>"


def answer_label(answer: str):
    """The answer of a question in the reader's language."""
    return {Answer.YES: _l("Yes"), Answer.NO: _l("No"),
            Answer.ABSTAIN: _l("Abstain")}.get(answer, answer)


class Participation(db.Model):
    """That a user voted in a poll; never what they voted. No time, no order: nothing to link."""

    __tablename__ = "participations"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    # The composite primary key is the "one vote per person" rule. No foreign key: a deleted
    # account leaves its participation behind, so turnout and recounts stay true.
    user_id: Mapped[int] = mapped_column(primary_key=True, index=True)


class VoteCard(db.Model):
    """A printed vote card, valid for the polls of one event (cards.py). Nothing here or
    anywhere says who holds it."""

    __tablename__ = "vote_cards"
    __table_args__ = (UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # printed on the card, so that a lost one can be voided by it
    salt: Mapped[str] = mapped_column(String(32))  # its code derives from this and the key
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CardParticipation(db.Model):
    """That a vote card voted in a poll: its one vote, as Participation is a person's."""

    __tablename__ = "card_participations"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    card_id: Mapped[int] = mapped_column(
        ForeignKey("vote_cards.id", ondelete="CASCADE"), primary_key=True)


class Ballot(db.Model):
    """What was voted: a random id, the choice and the voter's receipt; no user, no time."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("poll_id", "receipt"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="RESTRICT"))
    receipt: Mapped[str] = mapped_column(String(16))


class InboxBallot(db.Model):
    """A ballot cast but not yet mixed: written in the vote's transaction, beside its
    participation, and moved to `ballots` in a shuffled batch by another one (ballots.py)."""

    __tablename__ = "ballot_inbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="RESTRICT"))
    receipt: Mapped[str] = mapped_column(String(16))


class ResultSnapshot(db.Model):
    """The announced result, stored once and never changed; public once its poll is revealed."""

    __tablename__ = "result_snapshots"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    # [{"option_id": 4, "finalist_id": 1 or None, "organisation": "...", "project_title":
    # "...", "answer": None or "yes", "votes": 12, "rank": 1}, ...] ranked; names are copied
    # so the result stays readable whatever is edited later ("organisation" is a person's
    # name in a people-award, "project_title" their role).
    ranking: Mapped[list] = mapped_column(JSON)
    votes_cast: Mapped[int]
    eligible_count: Mapped[int]
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    announced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    poll: Mapped["Poll"] = relationship()


class PastWinner(db.Model):
    """A winner from before the app (typed in by an organiser), for a complete hall of fame."""

    __tablename__ = "past_winners"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"),
                                            index=True)
    year: Mapped[int]
    award: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    project: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PastWinner {self.year} {self.organisation!r}>"
