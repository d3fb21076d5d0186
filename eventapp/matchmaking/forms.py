"""One's line on the list, a meeting request, an answer, the organiser's topics."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, LocalDateTimeField


class ProfileForm(Form):
    offers = StringField(_l("What I offer"), validators=[Length(max=300)])
    looks_for = StringField(_l("What I look for"), validators=[Length(max=300)])
    topics = SelectMultipleField(_l("Topics"), widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), validate_choice=False)
    # The opt-in itself: nobody is on the list without ticking it.
    consent = BooleanField(_l("Show my name, organisation, these lines and topics to the "
                              "participants on the list"), validators=[DataRequired()])
    submit = SubmitField(_l("Show me on the list"))


class RequestForm(Form):
    message = TextAreaField(_l("A short message"), validators=[DataRequired(), Length(max=500)])
    meets_at = LocalDateTimeField(_l("When (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Ask for a meeting"))


class AnswerForm(Form):
    answer = StringField(validators=[AnyOf(("accept", "decline"))])


class TopicsForm(Form):
    topics = TextAreaField(_l("Topics, one a line"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))
