"""What every feature's forms share: the base form and choice lists."""

from functools import cache

from babel.support import Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path


@cache
def _wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """The base of every form: Flask-WTF (CSRF included) with WTForms' own messages.

    Flask-WTF reads WTForms' message catalogue from disk on every request; it never
    changes, so each process reads it once per language.
    """

    class Meta:
        def get_translations(self, form):
            return _wtforms_messages(str(get_locale() or "en"))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]
