"""The organiser's survey and a participant's answers."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import Form, choices
from .services import ANSWER_LENGTH, SCALE


class SurveyForm(Form):
    question_1 = StringField(_l("First open question"), validators=[DataRequired(),
                                                                    Length(max=300)],
                             default=_l("What did you like most?"))
    question_2 = StringField(_l("Second open question"), validators=[DataRequired(),
                                                                     Length(max=300)],
                             default=_l("What should we do better next time?"))
    days_open = IntegerField(_l("Days the survey stays open after it is mailed"), default=14,
                             validators=[DataRequired(), NumberRange(min=1, max=90)])
    presenters_see_ratings = BooleanField(_l("Presenters and speakers see the ratings (not "
                                             "the open answers), speakers those of their own "
                                             "items"))
    submit = SubmitField(_l("Save"))


def rating_field(label: str) -> RadioField:
    return RadioField(label, choices=choices((score, str(score)) for score in SCALE),
                      coerce=int, validators=[Optional()])


def answer_form(items: list[tuple[str, str]], question_1: str, question_2: str) -> Form:
    """The survey's form: the meeting and each item rated 1 to 5 (each may stay empty), and
    the two open questions."""

    class AnswerForm(Form):
        meeting = rating_field(_l("The meeting as a whole"))
        answer_1 = TextAreaField(question_1, validators=[Length(max=ANSWER_LENGTH)])
        answer_2 = TextAreaField(question_2, validators=[Length(max=ANSWER_LENGTH)])
        submit = SubmitField(_l("Send my feedback"))

    for key, label in items:
        setattr(AnswerForm, f"rate_{key}", rating_field(label))
    return AnswerForm()
