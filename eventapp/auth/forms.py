"""Sign-in forms."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ..forms import Form, choices


class SignInLinkForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a sign-in link"))


class OrganiserLoginForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class LanguageForm(Form):
    lang = SelectField(_l("Language"), choices=choices([("de", "Deutsch"), ("en", "English")]))
    next = HiddenField()
    submit = SubmitField(_l("Switch"))


class LogoutForm(Form):
    submit = SubmitField(_l("Sign out"))
