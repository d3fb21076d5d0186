"""The catalogues: every string of the code is in them and translated into German and English."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "eventapp" / "translations"


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _untranslated(catalogue) -> list[str]:
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def test_catalogue_template_has_every_string_of_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "--no-location", "-o",
         str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True)
    in_code = {m.id for m in _catalogue(fresh) if m.id}
    committed = {m.id for m in _catalogue(CATALOGUES / "messages.pot") if m.id}
    assert in_code - committed == set(), "run `make messages` and translate the new strings"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_string_is_translated(language):
    template = {m.id for m in _catalogue(CATALOGUES / "messages.pot") if m.id}
    catalogue = _catalogue(CATALOGUES / language / "LC_MESSAGES" / "messages.po")
    assert template - {m.id for m in catalogue if m.id} == set()
    assert _untranslated(catalogue) == []


def test_pages_are_german_by_default_and_english_on_request(client):
    assert "Veranstaltungen" in client.get("/").get_data(as_text=True)
    client.post("/auth/language", data={"lang": "en", "next": "/"})
    assert "Events" in client.get("/").get_data(as_text=True)


# Text a template may show as it is: names, symbols and the languages' own names.
NOT_FOR_TRANSLATION = {"eventapp", "Deutsch", "English", "ClusterERFOLG", "PNG", "QR", "CSV",
                       "Excel"}
JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.S)
TEXT_ATTRIBUTE = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"{]*)"')
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")


def _unwrapped(source: str) -> list[str]:
    found = [value for value in TEXT_ATTRIBUTE.findall(source) if WORD.search(value)]
    text = TAG.sub(" ", JINJA.sub(" ", source))
    found += [word for word in WORD.findall(text) if word not in NOT_FOR_TRANSLATION]
    return found


@pytest.mark.parametrize("template", sorted(
    str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates").rglob("*")
    if p.suffix in (".html", ".txt")))
def test_templates_wrap_every_user_facing_string(template):
    assert _unwrapped((ROOT / "templates" / template).read_text(encoding="utf-8")) == []


def test_the_unwrapped_string_check_can_fail():
    assert _unwrapped('<p>Hallo {{ _("Welt") }}</p><img alt="Logo">') == ["Logo", "Hallo"]


def test_wtforms_own_messages_follow_the_language(app):
    from flask import session
    from flask_babel import refresh
    from wtforms import IntegerField

    from eventapp.forms import Form

    class AmountForm(Form):
        class Meta:
            csrf = False

        amount = IntegerField()

    for language, message in [("de", "Keine gültige, ganze Zahl."),
                              ("en", "Not a valid integer value."),
                              ("de", "Keine gültige, ganze Zahl.")]:
        with app.test_request_context("/", method="POST", data={"amount": "zwölf"}):
            session["lang"] = language
            refresh()  # the test's app context outlives each request and keeps the locale
            form = AmountForm()
            assert not form.validate()
            assert form.amount.errors == [message]


@pytest.mark.parametrize(("header", "language", "word"), [
    ("en-GB,en;q=0.9", "en", "Events"), ("en-US", "en", "Events"),
    ("fr-FR,fr;q=0.9,en;q=0.5", "en", "Events"), ("de-AT,de;q=0.9", "de", "Veranstaltungen"),
    ("fr-FR,fr;q=0.9", "de", "Veranstaltungen"), ("", "de", "Veranstaltungen")])
def test_the_browsers_language_decides_when_the_reader_has_not_chosen(client, header, language,
                                                                      word):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{language}">' in page and word in page


def test_the_readers_choice_wins_over_the_browser_and_is_remembered(client):
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    client.post("/auth/language", data={"lang": "de", "next": "/"}, headers=english)
    for _visit in range(2):
        page = client.get("/", headers=english).get_data(as_text=True)
        assert '<html lang="de">' in page and "Veranstaltungen" in page


# English msgids are the English text; where the English page says something else, it is here.
ENGLISH_DIFFERS = {"%(time)s o'clock"}


def test_the_english_catalogue_says_what_the_code_says():
    """A merge of two catalogues once gave one msgid another's text: English is the msgid."""
    catalogue = _catalogue(CATALOGUES / "en" / "LC_MESSAGES" / "messages.po")
    differs = {m.id for m in catalogue
               if m.id and isinstance(m.id, str) and m.string != m.id} - ENGLISH_DIFFERS
    assert differs == set()
