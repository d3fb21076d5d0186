"""A speaker's profile, as the organiser types it."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from ..forms import Form, MultiCheckboxField


class SpeakerForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = StringField(_l("Role"), description=_l("For example: Head of Unit"),
                       validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    link = URLField(_l("Link (a web page about the speaker)"),
                    validators=[Optional(), URL(), Length(max=500)])
    agenda_items = MultiCheckboxField(_l("Speaks in"), coerce=int)
    photo = FileField(_l("Photo (PNG or JPEG, at most 2 MB)"),
                      validators=[FileAllowed(["png", "jpg", "jpeg"],
                                              _l("The photo must be a PNG or JPEG image."))])
    remove_photo = BooleanField(_l("Remove the current photo"))
    submit = SubmitField(_l("Save"))
