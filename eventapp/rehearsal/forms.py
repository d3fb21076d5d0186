"""What a phone or screen posts: its practice answer, and its measurements."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from ..forms import Form, choices
from .models import DeviceKind, PracticeAnswer

# The random id a phone's page was given (or a screen made itself): nothing else.
DEVICE_ID = Regexp(r"^[A-Za-z0-9_-]{16,64}$", message=_l("This page's rehearsal id is invalid: "
                                                          "please load the page again."))
MILLISECONDS = NumberRange(min=0, max=3_600_000)


class AnswerForm(Form):
    """The practice question, answered like a ballot."""

    phone = StringField(widget=HiddenInput(), validators=[DataRequired(), DEVICE_ID])
    answer = RadioField(_l("How well can you see the big screen from your seat?"),
                        validators=[InputRequired(message=_l("Please choose an answer."))],
                        choices=choices([(PracticeAnswer.WELL, _l("Well")),
                                         (PracticeAnswer.POORLY, _l("Poorly"))]))
    submit = SubmitField(_l("Send the practice answer"))


class ReportForm(Form):
    """A phone's or screen's measurements so far; each is optional."""

    phone = StringField(validators=[DataRequired(), DEVICE_ID])
    kind = StringField(default=DeviceKind.PHONE, validators=[Optional(), AnyOf(list(DeviceKind))])
    ballot_ms = IntegerField(validators=[Optional(), MILLISECONDS])
    vote_ms = IntegerField(validators=[Optional(), MILLISECONDS])
    seen = BooleanField()
