"""Confirming the deletion of an account."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired

from ..forms import Form


class DeleteAccountForm(Form):
    confirm = BooleanField(_l("Yes, delete my account and my registrations."),
                           validators=[InputRequired(message=_l("Please confirm."))])
    submit = SubmitField(_l("Delete my account"))
