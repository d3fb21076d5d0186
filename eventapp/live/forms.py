"""The organiser's remote: one small form per button."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..awards.models import Eligibility
from ..forms import DATABASE_ID, Form, choices


# The choices only fill the control page; on a post the service checks the id (404 if foreign).
class AgendaForm(Form):
    item = SelectField(_l("Agenda item"), coerce=int, validate_choice=False,
                       validators=[DATABASE_ID])
    submit = SubmitField(_l("Show on screen"))


class PitchForm(Form):
    finalist = SelectField(_l("Finalist"), coerce=int, validate_choice=False,
                           validators=[DATABASE_ID])
    submit = SubmitField(_l("Start pitch"))


class WordCloudForm(Form):
    cloud = SelectField(_l("Word cloud"), coerce=int, validate_choice=False,
                        validators=[DATABASE_ID])
    submit = SubmitField(_l("Show on screen"))


class PollForm(Form):
    """Brings a poll opened earlier back to the screen."""

    poll = IntegerField(widget=HiddenInput(), validators=[DataRequired(), DATABASE_ID])
    submit = SubmitField(_l("Put on the screen"))


class OpenVoteForm(Form):
    """Opens a poll set up beforehand (`poll`), or a new one among all finalists."""

    poll = IntegerField(widget=HiddenInput(), validators=[Optional(), DATABASE_ID])
    title = StringField(_l("Title of the vote"), validators=[DataRequired(), Length(max=200)])
    eligibility = RadioField(_l("Who may vote"), default=Eligibility.REGISTERED, choices=choices([
        (Eligibility.REGISTERED, _l("Everyone registered")),
        (Eligibility.CHECKED_IN, _l("Only who has checked in at the venue")),
        (Eligibility.PRESENT, _l("Who has checked in or follows the stage page online")),
    ]))
    cards_may_vote = BooleanField(
        _l("Vote cards may vote"), default=True,
        description=_l("Without: personal links only, whose ballots hide the voter's own "
                       "finalist (a card cannot know whose team its holder is in)."))
    submit = SubmitField(_l("Open the vote"))
