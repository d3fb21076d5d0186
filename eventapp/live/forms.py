"""The organiser's remote: one small form per button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class ActionForm(FlaskForm):
    """A button without fields (close, announce, reveal...): it carries the CSRF token."""

    submit = SubmitField()


class AgendaForm(FlaskForm):
    item = SelectField(_l("Agenda item"), coerce=int)
    submit = SubmitField(_l("Show on screen"))


class PitchForm(FlaskForm):
    finalist = SelectField(_l("Finalist"), coerce=int)
    submit = SubmitField(_l("Start pitch"))


class OpenVoteForm(FlaskForm):
    title = StringField(_l("Title of the vote"), validators=[DataRequired(), Length(max=200)])
    checked_in_only = BooleanField(_l("Only participants who have checked in may vote"))
    submit = SubmitField(_l("Open the vote"))
