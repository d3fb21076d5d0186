"""The managers' form for a new webhook endpoint."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, choices
from .models import WebhookKind

KIND_LABELS = {
    WebhookKind.REGISTRATION_CONFIRMED: _l("A registration is confirmed"),
    WebhookKind.REGISTRATION_CANCELLED: _l("A registration is cancelled"),
    WebhookKind.CHECKED_IN: _l("Someone is checked in"),
    WebhookKind.POLL_REVEALED: _l("A vote's result is revealed"),
    WebhookKind.APPLICATION_RECEIVED: _l("An application to the call is received"),
}


class KindsField(SelectMultipleField):
    """Checkboxes (the form macro renders them as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
    type = "MultiCheckboxField"  # noqa: A003 (what macros/forms.html asks)


class EndpointForm(Form):
    url = StringField(_l("Address (https://…)"), validators=[DataRequired(), Length(max=500)])
    kinds = KindsField(_l("Events"), choices=choices(KIND_LABELS.items()),
                       validators=[DataRequired(_l("Choose at least one event."))])
    submit = SubmitField(_l("Add endpoint"))
