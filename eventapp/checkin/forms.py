"""The check-in desk's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..forms import Form


class TicketForm(Form):
    ticket = StringField(_l("Ticket code"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Check in"))


class CheckInForm(Form):
    registration_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search that changes nothing

    q = SearchField(_l("Name, organisation or email"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Search"))
