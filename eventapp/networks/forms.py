"""Forms of the network pages: the network itself, invitations and accepting one."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from ..forms import Form, choices
from .models import EventRole, NetworkRole
from .roles import ROLE_LABELS


class NetworkForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), description=_l("For example go-cluster."),
                             validators=[Optional(), Length(max=40)])
    slug = StringField(_l("Short name for the address"),
                       description=_l("Lower-case letters, digits and hyphens."),
                       validators=[DataRequired(), Length(max=80),
                                   Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                          message=_l("Use only a-z, 0-9 and hyphens."))])
    colour = StringField(_l("Colour of buttons and headings (#rrggbb)"),
                         description=_l("White text must be readable on it."),
                         validators=[DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l(
                             "The colour must be given as #rrggbb."))])
    logo = FileField(_l("Logo (PNG or JPEG, at most 2 MB)"),
                     validators=[FileAllowed(["png", "jpg", "jpeg"],
                                             _l("The logo must be a PNG or JPEG image."))])
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save"))


def _role_choices(roles):
    return choices((role, ROLE_LABELS[role]) for role in roles)


class InviteForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"))
    locale = SelectField(_l("Language of the invitation"),
                         choices=choices([("de", _l("German")), ("en", _l("English"))]))
    submit = SubmitField(_l("Send invitation"))

    @classmethod
    def for_network(cls, **kwargs):
        form = cls(**kwargs)
        form.role.choices = _role_choices(tuple(NetworkRole))
        return form

    @classmethod
    def for_event(cls, **kwargs):
        form = cls(**kwargs)
        form.role.choices = _role_choices(tuple(EventRole))
        return form


class AcceptInvitationForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Choose a password (at least 10 characters)"),
                             validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("The password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    submit = SubmitField(_l("Accept the invitation"))
