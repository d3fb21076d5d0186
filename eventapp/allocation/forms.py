"""The ranking of one slot, and the organiser's settings and runs."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..forms import Form, LocalDateTimeField, choices
from .models import AllocationMode
from .services import MAX_SEED

RANKS = 3  # first, second and third choice


def _optional_id(value):
    return int(value) if value not in (None, "") else None


class RankingForm(Form):
    slot_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    choice = FieldList(SelectField(coerce=_optional_id, validate_choice=False),
                       min_entries=RANKS, max_entries=RANKS)
    submit = SubmitField(_l("Save my ranking"))

    def ranked(self) -> list[int]:
        """The session ids best first, gaps closed (a 3rd choice without a 2nd moves up)."""
        return [entry.data for entry in self.choice if entry.data is not None]


class SettingsForm(Form):
    mode = SelectField(_l("Breakout seats"), choices=choices([
        (AllocationMode.FIRST_COME, _l("First come, first served")),
        (AllocationMode.RANKED, _l("Participants rank their choices by a deadline"))]))
    deadline = LocalDateTimeField(_l("Ranking deadline"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class RunForm(Form):
    seed = IntegerField(_l("Seed (empty: drawn at random)"),
                        validators=[Optional(), NumberRange(min=0, max=MAX_SEED - 1)])
    submit = SubmitField(_l("Run the allocation"))
