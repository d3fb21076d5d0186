"""Issue 35, item 7: signing in and registering are different words, in both languages and
everywhere: German "Einloggen"/"Login-Link" for signing in, "Anmelden"/"Anmeldung" for
registering; English "Sign in" and "Register"."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).parents[2] / "eventapp" / "translations"
SIGNING_IN = re.compile(r"\bsign(s|ed)?( you)?[ -]?(in|out)\b|\blog ?(in|out)\b", re.IGNORECASE)
REGISTERING = re.compile(r"regist", re.IGNORECASE)
# The German words for registering: "anmelden", "Anmeldung", "meldet sich ... an", "Anmeldelink".
GERMAN_REGISTER_WORD = re.compile(r"anmeld|abmeld|abgemeldet|\bmelden? .*\ban\b|\bmeldet .*\ban\b",
                                  re.IGNORECASE)
GERMAN_SIGN_IN_WORD = re.compile(r"logg|login", re.IGNORECASE)


def _german():
    with open(CATALOGUES / "de" / "LC_MESSAGES" / "messages.po", "rb") as file:
        return [message for message in read_po(file) if message.id]


def _text(value) -> str:
    return value if isinstance(value, str) else " ".join(value)


def test_german_never_says_anmelden_for_signing_in():
    mixed = [(_text(m.id), _text(m.string)) for m in _german()
             if SIGNING_IN.search(_text(m.id)) and not REGISTERING.search(_text(m.id))
             and GERMAN_REGISTER_WORD.search(_text(m.string))]
    assert mixed == []


def test_german_never_says_einloggen_for_registering():
    mixed = [(_text(m.id), _text(m.string)) for m in _german()
             if REGISTERING.search(_text(m.id)) and not SIGNING_IN.search(_text(m.id))
             and GERMAN_SIGN_IN_WORD.search(_text(m.string))]
    assert mixed == []


def _title_and_heading(client, url, language) -> str:
    page = client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    return f"{title} | {heading}".replace("-", " ")


@pytest.mark.parametrize(("language", "sign_in", "register"), [
    ("de", "Einloggen", "Anmeld"), ("en", "Sign in", "Regist")])
def test_the_sign_in_and_register_pages_have_distinct_titles(client, create_event, language,
                                                             sign_in, register):
    event = create_event()
    signing_in = [_title_and_heading(client, url, language)
                  for url in ("/auth/sign-in", "/auth/login")]
    registering = _title_and_heading(client, f"/events/{event.slug}/register", language)
    for text in signing_in:
        assert sign_in.lower() in text.lower() and register.lower() not in text.lower(), text
    assert register.lower() in registering.lower() and sign_in.lower() not in registering.lower()


@pytest.mark.parametrize(("language", "sign_in", "register"), [
    ("de", "Einloggen", "anmelden"), ("en", "Sign in", "Register")])
def test_the_menu_signs_in_and_the_event_page_registers(client, create_event, language,
                                                        sign_in, register):
    event = create_event()
    page = client.get(f"/events/{event.slug}/",
                      headers={"Accept-Language": language}).get_data(as_text=True)
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)
    to_sign_in = [text for href, text in links if href.startswith("/auth/sign-in")]
    to_register = [text for href, text in links if href.endswith("/register")]
    assert to_sign_in and all(sign_in in text for text in to_sign_in), to_sign_in
    assert to_register and all(register.lower() in text.lower() and sign_in not in text
                               for text in to_register), to_register
