"""Registration forms."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..events.models import EventFormat
from ..forms import DATABASE_ID, Form, choices

ATTENDANCE_CHOICES = [("in_person", _l("In person")), ("online", _l("Online"))]
SLOT_FIELD_PREFIX = "slot_"


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class RegistrationForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    attendance_mode = RadioField(_l("How will you take part?"), choices=choices(ATTENDANCE_CHOICES),
                                 validators=[Optional()])
    consent = BooleanField(
        _l("I agree that my data is processed to organise this event."),
        validators=[InputRequired(message=_l("Please agree to the processing of your data."))])
    public_listing = BooleanField(_l("Show my name and organisation in the participant list."))
    submit = SubmitField(_l("Register"))

    def slot_fields(self):
        """The breakout radio fields, one per slot, in agenda order."""
        return [field for field in self if field.name.startswith(SLOT_FIELD_PREFIX)]

    def registration_values(self) -> dict:
        """What the form says, as the keyword arguments of the registration service."""
        return {"name": self.name.data, "email": self.email.data,
                "organisation": self.organisation.data or "", "consent": self.consent.data,
                "public_listing": self.public_listing.data,
                "attendance_mode": self.attendance_mode.data if "attendance_mode" in self
                else None,
                "session_ids": [field.data for field in self.slot_fields() if field.data]}


def registration_form_for(event, slots, user) -> RegistrationForm:
    """A registration form with one breakout choice per slot of the event, prefilled for a
    signed-in user."""

    class EventRegistrationForm(RegistrationForm):
        pass

    for slot, sessions in slots:
        options = choices([("", _l("No session"))] + [(str(s.id), s.title) for s in sessions])
        setattr(EventRegistrationForm, f"{SLOT_FIELD_PREFIX}{slot.id}",
                RadioField(slot.title, choices=options, default="", coerce=_optional_int,
                           validators=[Optional()]))
    prefill = {}
    if user.is_authenticated:
        prefill = {"name": user.name, "email": user.email, "organisation": user.organisation}
    form = EventRegistrationForm(**prefill)
    if event.format == EventFormat.HYBRID:
        form.attendance_mode.validators = [InputRequired(
            message=_l("Please choose whether you attend in person or online."))]
    else:
        del form.attendance_mode
    return form


class ChooseBreakoutForm(Form):
    session_id = IntegerField(validators=[InputRequired(), DATABASE_ID])
    submit = SubmitField(_l("Choose"))


class LeaveBreakoutForm(Form):
    slot_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), DATABASE_ID])
    submit = SubmitField(_l("Leave this session"))


class CancelForm(Form):
    confirm = BooleanField(_l("Yes, cancel my registration."),
                           validators=[InputRequired(message=_l("Please confirm."))])
    submit = SubmitField(_l("Cancel registration"))
