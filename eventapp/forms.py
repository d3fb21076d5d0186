"""What every feature's forms share: the base form and choice lists."""

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    PasswordField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from .database import MAX_ID

#: for fields that hold a row's id: a larger number would overflow the database's id column
DATABASE_ID = NumberRange(min=1, max=MAX_ID)

# Control characters (C0, DEL, C1): nobody types them, and spreadsheets, mail headers and
# PostgreSQL refuse some of them. Long texts keep tabs and line breaks. With them the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make
# "Eva \u202eexe.txt" show as "Eva txt.exe" in every list and export (issue 34, item 12).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
CONTROL_CHARACTERS = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
CONTROL_CHARACTERS_IN_LONG_TEXT = re.compile(
    f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
# Characters that show nothing: zero-width ones, the byte order mark, fillers of the Hangul
# script, the soft hyphen. A value made of these (and spaces) looks blank but is not empty.
INVISIBLE = re.compile("[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                       "\u2060-\u2064\u3164\ufeff\uffa0\u2800]")


def looks_blank(value: str) -> bool:
    """Whether the text shows nothing though it holds something (only invisible characters
    and spaces); an empty or only-spaces value is the required validators' to refuse."""
    return bool(value) and not INVISIBLE.sub("", value).strip() and bool(value.strip())


@cache
def _wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """The base of every form: Flask-WTF (CSRF included) with WTForms' own messages, and no
    control characters in any text field.

    Flask-WTF reads WTForms' message catalogue from disk on every request; it never
    changes, so each process reads it once per language.
    """

    class Meta:
        def get_translations(self, form):
            return _wtforms_messages(str(get_locale() or "en"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if _has_control_characters(field):
                field.errors.append(_l("Please remove the control characters (invisible "
                                       "special characters) from this field."))
                valid = False
            elif _is_text(field) and looks_blank(field.data):
                field.errors.append(_l("This field shows nothing: please enter visible "
                                       "characters."))
                valid = False
        return valid


class ActionForm(Form):
    """A button without fields (publish, close, send, accept...): it carries the CSRF token."""

    submit = SubmitField()


def _is_text(field) -> bool:
    # A password is only ever compared with its hash: any character is fine in it.
    return isinstance(field.data, str) and not isinstance(field, PasswordField)


def _has_control_characters(field) -> bool:
    if not _is_text(field):
        return False
    pattern = CONTROL_CHARACTERS_IN_LONG_TEXT if isinstance(field, TextAreaField) \
        else CONTROL_CHARACTERS
    return pattern.search(field.data) is not None


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (the form macro renders it as a fieldset, as radio buttons)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def read_upload(upload) -> bytes | None:
    """The bytes of an uploaded file (a logo); the spooled temporary file is closed at once."""
    if not upload:
        return None
    try:
        return upload.read()
    finally:
        upload.close()


# The years a meeting's dates may have: year 1 or 9999 would overflow when converted to UTC
# or moved (copying a meeting), and nobody plans a meeting there.
MIN_YEAR, MAX_YEAR = 1900, 2200


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input read and shown in the event's time zone (Europe/Berlin), stored
    in UTC. A post without the field keeps the value the form was given (the stored one): it
    is converted only when it comes from the post (else it would move by the offset)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format="%Y-%m-%dT%H:%M", **kwargs)

    @staticmethod
    def _zone() -> ZoneInfo:
        return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        super().process_formdata(valuelist)
        if self.data is None:
            return
        if not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None
            raise ValueError(_l("Please give a date between the years %(first)d and %(last)d.",
                                first=MIN_YEAR, last=MAX_YEAR))
        self.data = self.data.replace(tzinfo=self._zone()).astimezone(UTC)

    @classmethod
    def local_value(cls, moment: datetime) -> str:
        """The input's value for a moment (an input's min and max, say)."""
        return moment.astimezone(cls._zone()).strftime("%Y-%m-%dT%H:%M")

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return self.local_value(self.data)
