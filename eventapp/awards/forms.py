"""The ballot form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from ..forms import Form


class BallotForm(Form):
    """Step one chooses an option; step two (confirmed) casts the vote.

    The field keeps its name `finalist` (an option's id now): cards and links in use post it.
    """

    class Meta:
        # CSRFProtect checks every post before the view, and the pages put in the session's
        # token (csrf_token()): a form of its own would sign a new token on every vote, for
        # a page most votes never show (bench/README.md).
        csrf = False

    finalist = RadioField(_l("Your choice"), coerce=int, validate_choice=False,
                          validators=[InputRequired(message=_l("Please choose one of the "
                                                               "options."))])
    confirmed = BooleanField(widget=HiddenInput(), false_values=("", "0", "false"))
    submit = SubmitField(_l("Continue"))


class CardCodeForm(Form):
    code = StringField(_l("Code on your vote card"), validators=[
        InputRequired(message=_l("Please type the code on your vote card.")), Length(max=40)])
    submit = SubmitField(_l("To the ballot"))


class ReceiptLookupForm(Form):
    class Meta:
        csrf = False  # a GET search that changes nothing

    receipt = StringField(_l("Your receipt code"), validators=[Length(max=20)])
    submit = SubmitField(_l("Check"))
