"""The check-in desk's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..forms import DATABASE_ID, Form


class TicketForm(Form):
    ticket = StringField(_l("Ticket code"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Check in"))


class CheckInForm(Form):
    registration_id = IntegerField(widget=HiddenInput(), validators=[DataRequired(), DATABASE_ID])


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search that changes nothing

    q = SearchField(_l("Name, organisation or email"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Search"))


class WalkInForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    consent = BooleanField(
        _l("The person agrees that their data is processed to organise this event."),
        validators=[InputRequired(message=_l("Please agree to the processing of your data."))])
    submit = SubmitField(_l("Register and check in"))
