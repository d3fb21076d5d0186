"""Forms of the call: the organiser's settings and jury, the application, a juror's scores."""


from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, LocalDateTimeField
from .services import MAX_ANSWER_LENGTH


class CallForm(Form):
    opens_at = LocalDateTimeField(_l("Opens (empty: at once)"), validators=[Optional()])
    deadline = LocalDateTimeField(_l("Deadline"), validators=[DataRequired()])
    intro = TextAreaField(_l("Introduction for applicants"),
                          validators=[Optional(), Length(max=5000)])
    questions = TextAreaField(_l("Extra questions"),
                              description=_l("One question per line."),
                              validators=[Optional(), Length(max=10000)])
    criteria = TextAreaField(
        _l("Scoring criteria"),
        description=_l("One criterion per line: name | weight | maximum points, e.g. "
                       "\"Innovation | 2 | 10\". Weight and maximum may be left out (1 and 10)."),
        validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField(_l("Save the call"))


class JurorForm(Form):
    email = EmailField(_l("Email address of an existing account"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Add to the jury"))


class ButtonForm(Form):
    """An empty form for buttons that change state: it carries the CSRF token."""

    submit = SubmitField(_l("Save"))


class ShortlistForm(Form):
    application_ids = SelectMultipleField(
        _l("Shortlist"), coerce=int, option_widget=CheckboxInput(), widget=ListWidget(),
        validators=[InputRequired(_l("Please select at least one application for the "
                                     "shortlist."))])
    submit = SubmitField(_l("Make the shortlist finalists and inform all applicants"))


class ApplicationForm(Form):
    organisation = StringField(_l("Organisation (cluster)"),
                               validators=[DataRequired(), Length(max=200)])
    project_title = StringField(_l("Project"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=5000)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact email address"),
                               validators=[DataRequired(), Email(), Length(max=254)])
    logo = FileField(_l("Logo (PNG or JPEG, at most 2 MB)"),
                     validators=[FileAllowed(["png", "jpg", "jpeg"],
                                             _l("The logo must be a PNG or JPEG image."))])
    consent = BooleanField(_l("I agree that this application and the contact details are "
                              "processed to run the call and the award."),
                           validators=[DataRequired(_l("Please agree to the processing of "
                                                       "your data."))])
    submit = SubmitField(_l("Send the application"))

    def question_fields(self):
        """The fields of the call's extra questions, in their order."""
        return [field for name, field in self._fields.items() if name.startswith("answer_")]

    def answers(self) -> list[str]:
        """The answers to the extra questions, in their order."""
        return [field.data or "" for field in self.question_fields()]


def application_form_for(call) -> ApplicationForm:
    """The application form with one field per extra question of the call."""

    class CallApplicationForm(ApplicationForm):
        pass

    for number, question in enumerate(call.questions):
        setattr(CallApplicationForm, f"answer_{number}", TextAreaField(
            question, validators=[Optional(), Length(max=MAX_ANSWER_LENGTH)]))
    return CallApplicationForm()


class ScoreFormBase(Form):
    submit = SubmitField(_l("Save my scores"))

    def points(self) -> dict[str, int]:
        """{criterion key: points} as entered."""
        return {name.removeprefix("score_"): field.data for name, field in self._fields.items()
                if name.startswith("score_")}

    def score_fields(self):
        """One field per criterion, in the criteria's order."""
        return [field for name, field in self._fields.items() if name.startswith("score_")]


def score_form_for(call, existing=None) -> ScoreFormBase:
    """A juror's form: one whole number per criterion, filled with their earlier scores."""

    class ScoreForm(ScoreFormBase):
        pass

    scores = existing.scores if existing is not None else {}
    for criterion in call.criteria:
        setattr(ScoreForm, f"score_{criterion['key']}", IntegerField(
            _l("%(name)s (0 to %(max)d points, weight %(weight)d)", name=criterion["name"],
               max=criterion["max"], weight=criterion["weight"]),
            default=scores.get(criterion["key"]),
            validators=[InputRequired(), NumberRange(min=0, max=criterion["max"])]))
    return ScoreForm()
