"""The managers' form for a new API token."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, choices
from .models import TokenScope

SCOPE_LABELS = {
    TokenScope.READ_PUBLIC: _l("Read results of revealed votes"),
    TokenScope.READ_REGISTRATIONS: _l("Read registrations, check-ins and applications"),
    TokenScope.WRITE_REGISTRATIONS: _l("Register people (with the confirmation mail) and "
                                       "cancel registrations"),
}


class ScopesField(SelectMultipleField):
    """Checkboxes (the form macro renders them as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
    type = "MultiCheckboxField"  # noqa: A003 (what macros/forms.html asks)


class TokenForm(Form):
    name = StringField(_l("Name"), description=_l("What the token is for, e.g. our CRM."),
                       validators=[DataRequired(), Length(max=100)])
    scopes = ScopesField(_l("Permissions"), choices=choices(SCOPE_LABELS.items()),
                         default=[TokenScope.READ_PUBLIC],
                         validators=[DataRequired(_l("Choose at least one permission."))])
    submit = SubmitField(_l("Make token"))


class FeedForm(Form):
    """Make (or renew) the secret address of one's calendar feed."""

    # The button's form says it: an empty post renews nothing.
    renew = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Make a new calendar address"))
