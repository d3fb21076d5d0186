"""Asking a question, upvoting, moderating, and the organiser's settings."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import DATABASE_ID, Form, choices
from .models import MAX_NAME_LENGTH, MAX_QUESTION_LENGTH, Naming


class AskForm(Form):
    text = TextAreaField(_l("Your question"),
                         validators=[DataRequired(), Length(max=MAX_QUESTION_LENGTH)])
    name = StringField(_l("Your name"),
                       validators=[Length(max=MAX_NAME_LENGTH)])
    item = IntegerField(validators=[Optional(), DATABASE_ID])
    submit = SubmitField(_l("Ask"))


class MergeForm(Form):
    into = IntegerField(_l("Number of the question to merge it into"),
                        validators=[DataRequired(), DATABASE_ID])


class ScreenForm(Form):
    item = IntegerField(validators=[Optional(), DATABASE_ID])


class SettingsForm(Form):
    open = BooleanField(_l("Participants can ask questions"))
    moderated = BooleanField(_l("Show questions only once a moderator approved them"))
    naming = RadioField(_l("Askers give their name"), choices=choices([
        (Naming.NAMED_OR_ANONYMOUS, _l("With their name or anonymously, as each asker chooses")),
        (Naming.NAMED, _l("Only with their name")),
        (Naming.ANONYMOUS, _l("Only anonymously"))]), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))
