"""The ballot form."""

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from ..forms import Form

_NOT_CONFIRMED = ("", "0", "false")


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
    confirmed = BooleanField(widget=HiddenInput(), false_values=_NOT_CONFIRMED)
    submit = SubmitField(_l("Continue"))


def posted_choice() -> tuple[int, bool] | None:
    """A posted ballot's option and whether it is confirmed, read as BallotForm reads them but
    without building the form, which cost a twelfth of a vote's CPU (bench/README.md) for a
    page that a cast vote does not show. None when no option was chosen (the form says why)."""
    try:
        option_id = int(request.form.get("finalist", ""))
    except ValueError:
        return None
    return option_id, request.form.get("confirmed", "") not in _NOT_CONFIRMED


class CardCodeForm(Form):
    code = StringField(_l("Code on your vote card"), validators=[
        InputRequired(message=_l("Please type the code on your vote card.")), Length(max=40)])
    submit = SubmitField(_l("To the ballot"))


class ReceiptLookupForm(Form):
    class Meta:
        csrf = False  # a GET search that changes nothing

    receipt = StringField(_l("Your receipt code"), validators=[Length(max=20)])
    submit = SubmitField(_l("Check"))
