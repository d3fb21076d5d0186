"""The organiser's remote: one small form per button."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import DATABASE_ID, Form


class ActionForm(Form):
    """A button without fields (close, announce, reveal...): it carries the CSRF token."""

    submit = SubmitField()


# The choices only fill the control page; on a post the service checks the id (404 if foreign).
class AgendaForm(Form):
    item = SelectField(_l("Agenda item"), coerce=int, validate_choice=False,
                       validators=[DATABASE_ID])
    submit = SubmitField(_l("Show on screen"))


class PitchForm(Form):
    finalist = SelectField(_l("Finalist"), coerce=int, validate_choice=False,
                           validators=[DATABASE_ID])
    submit = SubmitField(_l("Start pitch"))


class OpenVoteForm(Form):
    title = StringField(_l("Title of the vote"), validators=[DataRequired(), Length(max=200)])
    checked_in_only = BooleanField(_l("Only participants who have checked in may vote"))
    submit = SubmitField(_l("Open the vote"))
