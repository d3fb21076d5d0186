"""A participant's own data: download it, delete the account."""

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..errors import DomainError
from . import bp
from .forms import DeleteAccountForm
from .services import delete_account, personal_data


@bp.route("/me/data")
@login_required
def download():
    """Everything stored about the signed-in user, as a JSON file."""
    body = json.dumps(personal_data(current_user), ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=eventapp-my-data.json",
        "Cache-Control": "no-store"})


@bp.route("/me/privacy", methods=["GET", "POST"])
@login_required
def privacy():
    """What we keep, the download, and deleting the account after the event."""
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            delete_account(current_user)
        except DomainError as error:
            flash(error.message, "danger")
            status = error.status_code
        else:
            logout_user()
            flash(_("Your account is deleted. Your votes stay counted, without your name."),
                  "success")
            return redirect(url_for("events.index"), 303)
    elif form.errors:
        status = 422
    return render_template("privacy/privacy.html", form=form), status
