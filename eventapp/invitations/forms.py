"""Forms of the guest list (organiser) and of the invitation's answer (guest)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..forms import Form, choices
from ..registration.models import Attendance
from .models import CATEGORIES, CATEGORY_LABELS
from .services import MAX_PLACES


class GuestListForm(Form):
    guests = TextAreaField(
        _l("Type guests, one per line"),
        description=_l("Name; email address; organisation; category (member, guest, "
                       "guest of honour, press, speaker); optionally the language (de, en)"),
        validators=[Optional(), Length(max=500_000)])
    upload = FileField(_l("Or upload a list (CSV or Excel)"),
                       validators=[FileAllowed(["csv", "txt", "xlsx"],
                                               _l("Please upload a CSV or Excel (.xlsx) file."))])
    submit = SubmitField(_l("Add to the guest list"))


class SettingsForm(Form):
    invitation_only = BooleanField(_l("By invitation only: the public cannot register"))
    submit = SubmitField(_l("Save"))

    def reserved(self) -> dict[str, int]:
        """The places reserved per category, as the form says."""
        return {category: self[f"reserved_{category}"].data or 0 for category in CATEGORIES}


for _category in CATEGORIES:
    setattr(SettingsForm, f"reserved_{_category}", IntegerField(
        _l("Places reserved for: %(category)s", category=CATEGORY_LABELS[_category]),
        validators=[Optional(), NumberRange(min=0, max=MAX_PLACES)]))

ATTENDANCE_CHOICES = [(Attendance.IN_PERSON, _l("In person")), (Attendance.ONLINE, _l("Online"))]


class AcceptForm(Form):
    attendance_mode = RadioField(_l("How will you take part?"),
                                 choices=choices(ATTENDANCE_CHOICES), validators=[Optional()])
    public_listing = BooleanField(_l("Show my name and organisation in the participant list."))
    submit = SubmitField(_l("Accept the invitation"))
