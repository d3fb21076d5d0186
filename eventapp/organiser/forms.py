"""Organiser forms: events, agenda items, breakout sessions, finalists, past winners."""


from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..awards.hall_of_fame import FIRST_YEAR, LENGTHS
from ..awards.models import Eligibility, PollKind
from ..database import utcnow
from ..events.models import AgendaKind, EventStatus
from ..forms import Form, LocalDateTimeField, MultiCheckboxField, choices

FORMAT_CHOICES = [("in_person", _l("In person")), ("online", _l("Online")),
                  ("hybrid", _l("Hybrid"))]
KIND_LABELS = {
    "opening": _l("Opening"), "talk": _l("Talk"), "breakouts": _l("Breakout sessions"),
    "pitches": _l("Finalist pitches"), "vote": _l("Vote"), "award": _l("Award ceremony"),
    "break": _l("Break"), "closing": _l("Closing"),
}


def _after(earlier, message):
    """A field validator: the field's time lies after the time in the field `earlier`.

    The services check the same rule; checking it here too puts the message next to the field.
    """

    def validate(form, field):
        start = form[earlier].data
        if field.data is not None and start is not None and field.data <= start:
            raise ValidationError(message)

    return validate


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for the address"),
        description=_l("Lower-case letters, digits and hyphens, e.g. clustertreffen-2026."),
        validators=[DataRequired(), Length(max=80),
                    Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                           message=_l("Use only a-z, 0-9 and hyphens."))])
    motto = StringField(_l("Motto"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = LocalDateTimeField(_l("Ends"), validators=[
        DataRequired(), _after("starts_at", _l("The event must end after it starts."))])
    format = SelectField(_l("Format"), choices=choices(FORMAT_CHOICES))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    online_link = URLField(_l("Online link (shown only to registered participants)"),
                           validators=[Optional(), URL(), Length(max=500)])
    stream_url = URLField(_l("Stream for the stage page (YouTube or Vimeo are embedded, other "
                             "addresses linked)"), validators=[Optional(), URL(), Length(max=500)])
    language = SelectField(_l("Main language of the meeting"), default="de",
                           choices=choices([("de", _l("German")), ("en", _l("English"))]))
    registration_opens_at = LocalDateTimeField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = LocalDateTimeField(_l("Registration closes"), validators=[
        Optional(), _after("registration_opens_at",
                           _l("Registration must close after it opens."))])
    capacity = IntegerField(_l("Places (empty: no limit)"),
                            validators=[Optional(), NumberRange(min=1, max=100_000)])
    submit = SubmitField(_l("Save"))


class NewEventForm(EventForm):
    """A new event also names its network (chosen only when the organiser has several)."""

    network = SelectField(_l("Network"), coerce=int, choices=[])


class AgendaItemForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=choices((k, KIND_LABELS[k]) for k in tuple(AgendaKind)))
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = LocalDateTimeField(_l("Ends"), validators=[
        DataRequired(), _after("starts_at", _l("An agenda item must end after it starts."))])
    speaker = StringField(_l("Speaker"), validators=[Optional(), Length(max=200)])
    affiliation = StringField(_l("Speaker's affiliation"),
                              validators=[Optional(), Length(max=300)])
    room = StringField(_l("Room or place"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class BreakoutSessionForm(Form):
    slot_id = SelectField(_l("Time slot"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    host = StringField(_l("Host"), validators=[Optional(), Length(max=200)])
    room = StringField(_l("Room or place (empty: the slot's)"),
                       validators=[Optional(), Length(max=200)])
    room_url = URLField(_l("Video room (shown to its seated participants from 15 minutes "
                           "before the slot)"), validators=[Optional(), URL(), Length(max=500)])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(),
                                                     NumberRange(min=1, max=100_000)])
    submit = SubmitField(_l("Save"))


class FinalistForm(Form):
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    project_title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=200)])
    pitch_order = IntegerField(_l("Pitch order (empty: last)"),
                               validators=[Optional(), NumberRange(min=1, max=100)])
    pitch_seconds = IntegerField(_l("Pitch length in seconds"), default=180,
                                 validators=[DataRequired(), NumberRange(min=30, max=1800)])
    logo = FileField(_l("Logo (PNG or JPEG, at most 2 MB)"),
                     validators=[FileAllowed(["png", "jpg", "jpeg"],
                                             _l("The logo must be a PNG or JPEG image."))])
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save"))


class TeamMemberForm(Form):
    email = EmailField(_l("Email address of a registered participant"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Add to the team"))


class StatusForm(Form):
    status = SelectField(choices=choices([(EventStatus.DRAFT, _l("Draft")),
                                          (EventStatus.PUBLISHED, _l("Published")),
                                          (EventStatus.ARCHIVED, _l("Archived"))]))
    submit = SubmitField(_l("Change status"))


class PrintCardsForm(Form):
    count = IntegerField(_l("How many vote cards"), default=8,
                         description=_l("Eight fit on an A4 sheet. Print one for each person "
                                        "you expect in the hall, and some to spare."),
                         validators=[InputRequired(), NumberRange(min=1, max=2000)])
    submit = SubmitField(_l("Make and print"))


class VoidCardForm(Form):
    number = IntegerField(_l("Number of the lost card"),
                          validators=[DataRequired(), NumberRange(min=1, max=1_000_000)])
    submit = SubmitField(_l("Void the card"))


class ConfirmForm(Form):
    """An empty form for buttons that change state (delete): it carries the CSRF token."""

    submit = SubmitField(_l("Delete"))


class CopyEventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for the address"),
        validators=[DataRequired(), Length(max=80),
                    Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                           message=_l("Use only a-z, 0-9 and hyphens."))])
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired()])
    submit = SubmitField(_l("Copy"))


def _a_past_year(_form, field):
    """A year up to this one: the service checks the same, this puts the message at the field."""
    this_year = utcnow().year
    if field.data is not None and not FIRST_YEAR <= field.data <= this_year:
        raise ValidationError(_l("Enter a year between %(first)d and %(last)d.",
                                 first=FIRST_YEAR, last=this_year))


class PastWinnerForm(Form):
    """A winner from before the app, for the hall of fame."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), _a_past_year])
    award = StringField(_l("Award"), description=_l("For example ClusterERFOLG 2019."),
                        validators=[DataRequired(), Length(max=LENGTHS["award"])])
    organisation = StringField(_l("Organisation"),
                               validators=[DataRequired(), Length(max=LENGTHS["organisation"])])
    project = StringField(_l("Project"),
                          validators=[DataRequired(), Length(max=LENGTHS["project"])])
    note = TextAreaField(_l("Note (optional)"),
                         validators=[Optional(), Length(max=LENGTHS["note"])])
    network = SelectField(_l("Network"), coerce=int, choices=[])
    submit = SubmitField(_l("Save"))


class PollForm(Form):
    """A poll set up beforehand; the live control opens it."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("For example: ClusterERFOLG 2022, Cluster manager of "
                                       "the year, or the question to answer."))
    kind = RadioField(_l("What the poll is about"), default=PollKind.FINALISTS, choices=choices([
        (PollKind.FINALISTS, _l("An award among finalists")),
        (PollKind.PEOPLE, _l("An award among people")),
        (PollKind.QUESTION, _l("A question: yes, no or abstain")),
    ]))
    finalists = MultiCheckboxField(
        _l("Finalists on the ballot (award among finalists)"), coerce=int,
        validate_choice=False,
        description=_l("In pitch order. None ticked: all finalists, as they are when the vote "
                       "opens."))
    people = TextAreaField(
        _l("People on the ballot (award among people)"),
        validators=[Optional(), Length(max=10000)],
        description=_l("One person a line, in the order of the ballot: name; role; e-mail "
                       "address of their registration (optional: then they never see "
                       "themselves on their ballot)."))
    eligibility = RadioField(_l("Who may vote"), default=Eligibility.REGISTERED, choices=choices([
        (Eligibility.REGISTERED, _l("Everyone registered")),
        (Eligibility.CHECKED_IN, _l("Only who has checked in at the venue")),
        (Eligibility.PRESENT, _l("Who has checked in or follows the stage page online")),
    ]))
    cards_may_vote = BooleanField(
        _l("Vote cards may vote"), default=True,
        description=_l("Without: personal links only, whose ballots hide the voter's own "
                       "finalist (a card cannot know whose team its holder is in)."))
    show_counts = BooleanField(
        _l("Show the number of votes with the result"), default=True,
        description=_l("Without: the screen, the results page and the hall of fame show the "
                       "ranking only."))
    submit = SubmitField(_l("Save"))


class PersonPhotoForm(Form):
    """The photo of one person on a people-award's ballot (one form per person, prefixed)."""

    photo = FileField(_l("Photo (PNG or JPEG, at most 2 MB)"),
                      validators=[FileAllowed(["png", "jpg", "jpeg"],
                                              _l("The photo must be a PNG or JPEG image."))])
    remove = SubmitField(_l("Remove the photo"))
    submit = SubmitField(_l("Upload the photo"))
