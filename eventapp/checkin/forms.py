"""The check-in desk's forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput


class TicketForm(FlaskForm):
    ticket = StringField(_l("Ticket code"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Check in"))


class CheckInForm(FlaskForm):
    registration_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search that changes nothing

    q = SearchField(_l("Name, organisation or email"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Search"))
