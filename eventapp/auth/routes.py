"""Sign-in with a personal link, organiser password login, sign-out and language choice."""

import hashlib
from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..extensions import failed_attempt, limiter
from . import bp, login_limit
from .forms import LanguageForm, LogoutForm, OrganiserLoginForm, SignInLinkForm
from .services import (
    authenticate_organiser,
    end_sessions,
    redeem_sign_in_token,
    send_sign_in_link,
    set_locale,
)
from .sessions import start_session


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//"):
            return target
    return default


def _entered_email() -> str:
    email = request.form.get("email", "").strip().lower()
    return "sign-in:" + hashlib.sha256(email.encode()).hexdigest()[:16]


@bp.route("/sign-in", methods=["GET", "POST"])
# Per address asked for (no mailbox gets flooded) and, far higher, per sender: a hall behind
# the venue's one address asks for many people's links in the first minute of a vote.
@limiter.limit("10 per minute", methods=["POST"], key_func=_entered_email)
@limiter.limit("200 per minute", methods=["POST"])
def sign_in():
    """Ask for a personal sign-in link by email (the same answer whether or not we know it)."""
    form = SignInLinkForm()
    # Where the link leads once opened (the ballot, for a phone in the hall), if on this site.
    next_page = safe_next(request.args.get("next"), "") or None
    if form.validate_on_submit():
        send_sign_in_link(form.email.data, next_page)
        flash(_("If we know this address, a sign-in link is on its way. It works once "
                "within 30 minutes."), "success")
        return redirect(url_for("auth.sign_in", next=next_page))
    status = 422 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/link/<token>")
@limiter.limit("20 per minute", deduct_when=failed_attempt)
def sign_in_with_link(token: str):
    """Sign in with the token from a mail, then redirect so the token leaves the address bar."""
    user = redeem_sign_in_token(token)
    if user is None:
        g.wrong_link = True
        flash(_("This sign-in link is no longer valid. Ask for a new one below."), "warning")
        return redirect(url_for("auth.sign_in"))
    start_session(user)
    return redirect(safe_next(request.args.get("next"), url_for("registration.my_registrations")))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
# Per account, wrong passwords only, from devices that never signed in to it (login_limit.py).
@limiter.limit(login_limit.ACCOUNT_LIMIT, key_func=login_limit.account_key, methods=["POST"],
               deduct_when=login_limit.wrong_password, exempt_when=login_limit.known_device,
               error_message=login_limit.too_many_wrong_passwords)
def login():
    """Organiser sign-in with email and password."""
    form = OrganiserLoginForm()
    if form.validate_on_submit():
        user = authenticate_organiser(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return login_limit.remember_device(
                redirect(safe_next(request.args.get("next"), url_for("organiser.index"))),
                user.email)
        flash(_("Email address or password is wrong."), "danger")
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: end every session of this user (copies of the cookie included)."""
    LogoutForm().validate_on_submit()  # the CSRF check happens globally; nothing else to check
    if current_user.is_authenticated:
        end_sessions(current_user)
    logout_user()
    # Forget everything but the language the visitor chose (as on sign-in).
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "info")
    response = redirect(url_for("events.index"))
    # The browser drops what pages kept on the device: the check-in desk's participant list.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the language of the pages (and, for a signed-in user, of their mails)."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return redirect(url_for("events.index")), 303
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        set_locale(current_user, form.lang.data)
    return redirect(safe_next(form.next.data, url_for("events.index")), 303)
