"""The organiser's message to participants."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Form


class MessageForm(Form):
    audience = SelectField(_l("To"), coerce=int)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField(_l("Send"))
