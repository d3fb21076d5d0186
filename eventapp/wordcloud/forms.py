"""The organiser's question, a participant's words, hiding an answer."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from ..forms import DATABASE_ID, Form, choices
from .services import MAX_WORDS, QUESTION_LENGTH, WORD_LENGTH


class CloudForm(Form):
    question = StringField(_l("Question"), validators=[DataRequired(),
                                                        Length(max=QUESTION_LENGTH)])
    max_words = SelectField(_l("Words per participant"), coerce=int,
                            choices=choices((n, str(n)) for n in range(1, MAX_WORDS + 1)),
                            default=MAX_WORDS)
    submit = SubmitField(_l("Add the word cloud"))


class AnswerForm(Form):
    cloud = IntegerField(validators=[DataRequired(), DATABASE_ID])
    word_1 = StringField(_l("Word"), validators=[Length(max=WORD_LENGTH)])
    word_2 = StringField(_l("Second word"), validators=[Length(max=WORD_LENGTH)])
    word_3 = StringField(_l("Third word"), validators=[Length(max=WORD_LENGTH)])
    submit = SubmitField(_l("Send"))

    def words(self) -> list[str]:
        return [self.word_1.data, self.word_2.data, self.word_3.data]


class HideForm(Form):
    hidden = HiddenField(validators=[AnyOf(("1", "0"))])


class StepForm(Form):
    step = HiddenField(validators=[AnyOf(("open", "close"))])
