"""Organiser pages. Every route says what it needs where it is declared (a capability in the
event, or a staff account); every change goes through a service that writes the audit log."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import organiser_required
from ..awards import finalists as awards
from ..breakouts import services as breakouts
from ..errors import NotFound
from ..events import services as events
from ..events.access import event_role_required
from ..events.models import AgendaItem
from ..forms import choices, read_upload
from ..networks import services as networks
from ..networks.access import Capability
from ..privacy import services as privacy
from ..registration import services as registration
from . import bp, services
from .forms import (
    AgendaItemForm,
    BreakoutSessionForm,
    CopyEventForm,
    EventForm,
    FinalistForm,
    NewEventForm,
    StatusForm,
    TeamMemberForm,
)
from .pages import event_of, event_page, form_page, form_values, post_action

# --- events -------------------------------------------------------------------------------


@bp.route("/")
@organiser_required
def index():
    """The events this person works on, newest first, and their networks."""
    return render_template("organiser/index.html", events=events.events_for_staff(current_user),
                           networks=networks.networks_of(current_user))


@bp.route("/events/new", methods=["GET", "POST"])
@organiser_required
def new_event():
    """Create a draft event in one of the networks this person organises."""
    own = networks.networks_for_new_events(current_user)
    if not own:
        abort(403)
    form = NewEventForm()
    form.network.choices = choices((network.id, network.name) for network in own)
    if len(own) == 1:
        del form.network  # one network: nothing to choose, the page looks as it always did

    def save():
        network = own[0] if len(own) == 1 else networks.get_network_by_id(form.network.data)
        values = form_values(form, *events.EVENT_FIELDS)
        event = events.create_event(current_user, network, **values)
        return url_for("organiser.event", slug=event.slug)

    return form_page(
        "organiser/event_form.html", form, save,
        _("The event is created as a draft."), event=None)


@bp.route("/events/<slug>/")
@event_role_required(Capability.ORGANISE)
def event(slug: str):
    """One event: status, agenda, breakouts, finalists, polls, counts and the latest audit
    entries."""
    return event_page(event_of(slug))


@bp.route("/events/<slug>/copy", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def copy_event(slug: str):
    """A new meeting from this one: agenda, breakouts and settings, no people or votes."""
    source = event_of(slug)
    form = CopyEventForm(title=source.title, starts_at=source.starts_at + timedelta(days=364))

    def copy():
        event = services.copy_meeting(current_user, source, form.title.data, form.slug.data,
                                      form.starts_at.data)
        return url_for("organiser.event", slug=event.slug)

    return form_page("organiser/copy.html", form, copy, _("The new meeting is a draft copy."),
                      event=source)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def edit_event(slug: str):
    """Change an event's details."""
    event = event_of(slug)
    form = EventForm(obj=event)
    return form_page(
        "organiser/event_form.html", form,
        lambda: url_for("organiser.event", slug=services.update_event(
            current_user, event, **form_values(form, *events.EVENT_FIELDS)).slug),
        _("The event is saved."), event=event)


@bp.route("/events/<slug>/status", methods=["POST"])
@event_role_required(Capability.ORGANISE)
def event_status(slug: str):
    """Publish, unpublish or archive an event."""
    event = event_of(slug)
    return post_action(slug, lambda form: events.set_event_status(current_user, event,
                                                                   form.status.data),
                        _("The status is changed."), StatusForm())


@bp.route("/events/<slug>/anonymise", methods=["POST"])
@event_role_required(Capability.DELETE)
def anonymise(slug: str):
    """Remove the people from an archived event (counts and results stay)."""
    event = event_of(slug)
    return post_action(slug, lambda _form: privacy.anonymise_event(current_user, event),
                        _("The participants of this event are anonymised."))


# --- agenda -------------------------------------------------------------------------------


def _save_agenda_item(event, form, item=None):
    values = form_values(form, *events.AGENDA_FIELDS)
    if item is None:
        events.add_agenda_item(current_user, event, **values)
    else:
        events.update_agenda_item(current_user, item, **values)
    return url_for("organiser.event", slug=event.slug)


@bp.route("/events/<slug>/agenda/new", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def new_agenda_item(slug: str):
    """Add an agenda item."""
    event = event_of(slug)
    form = AgendaItemForm(starts_at=event.starts_at, ends_at=event.starts_at)
    return form_page(
        "organiser/agenda_form.html", form,
        lambda: _save_agenda_item(event, form),
        _("The agenda item is added."), event=event, item=None)


@bp.route("/events/<slug>/agenda/<id:item_id>/edit", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def edit_agenda_item(slug: str, item_id: int):
    """Change an agenda item."""
    event = event_of(slug)
    item = events.get_agenda_item(event, item_id)
    form = AgendaItemForm(obj=item)
    return form_page(
        "organiser/agenda_form.html", form,
        lambda: _save_agenda_item(event, form, item),
        _("The agenda item is saved."), event=event, item=item)


@bp.route("/events/<slug>/agenda/<id:item_id>/delete", methods=["POST"])
@event_role_required(Capability.DELETE)
def delete_agenda_item(slug: str, item_id: int):
    """Remove an agenda item."""
    item = events.get_agenda_item(event_of(slug), item_id)
    return post_action(slug, lambda _form: events.delete_agenda_item(current_user, item),
                        _("The agenda item is deleted."))


# --- breakouts ----------------------------------------------------------------------------


def _breakout_form(event, **kwargs) -> BreakoutSessionForm:
    form = BreakoutSessionForm(**kwargs)
    items: list[AgendaItem] = event.agenda_items
    # Slots of kind "breakouts" first: that is where sessions usually go.
    items = sorted(items, key=lambda item: (item.kind != "breakouts", item.starts_at))
    form.slot_id.choices = choices((item.id, item.title) for item in items)
    return form


def _save_breakout(event, form, session=None):
    slot = events.get_agenda_item(event, form.slot_id.data)
    values = form_values(form, *breakouts.SESSION_FIELDS)
    if session is None:
        breakouts.add_session(current_user, slot, **values)
    else:
        services.update_breakout(current_user, session, slot, **values)
    return url_for("organiser.event", slug=event.slug)


@bp.route("/events/<slug>/breakouts/new", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def new_breakout(slug: str):
    """Add a breakout session to a slot of the agenda."""
    event = event_of(slug)
    form = _breakout_form(event)
    if not form.slot_id.choices:
        flash(_("Add an agenda item for the breakout sessions first."), "warning")
        return redirect(url_for("organiser.new_agenda_item", slug=slug))
    return form_page("organiser/breakout_form.html", form,
                      lambda: _save_breakout(event, form),
                      _("The breakout session is added."), event=event, session=None)


@bp.route("/events/<slug>/breakouts/<id:session_id>/edit", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def edit_breakout(slug: str, session_id: int):
    """Change a breakout session (its capacity never below the seats taken)."""
    event = event_of(slug)
    session = breakouts.get_session(event, session_id)
    form = _breakout_form(event, obj=session)
    return form_page("organiser/breakout_form.html", form,
                      lambda: _save_breakout(event, form, session),
                      _("The breakout session is saved."), event=event, session=session)


@bp.route("/events/<slug>/breakouts/<id:session_id>/delete", methods=["POST"])
@event_role_required(Capability.DELETE)
def delete_breakout(slug: str, session_id: int):
    """Remove a breakout session nobody has chosen."""
    session = breakouts.get_session(event_of(slug), session_id)
    return post_action(slug, lambda _form: breakouts.delete_session(current_user, session),
                        _("The breakout session is deleted."))


# --- finalists ----------------------------------------------------------------------------


def _save_finalist(event, form, finalist=None):
    values = form_values(form, *awards.FINALIST_FIELDS)
    logo = read_upload(form.logo.data)
    if finalist is None:
        awards.add_finalist(current_user, event, logo=logo, **values)
    else:
        awards.update_finalist(current_user, finalist, logo=logo,
                               remove_logo=form.remove_logo.data, **values)
    return url_for("organiser.event", slug=event.slug)


@bp.route("/events/<slug>/finalists/new", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def new_finalist(slug: str):
    """Add a finalist with an optional logo."""
    event = event_of(slug)
    form = FinalistForm()
    return form_page("organiser/finalist_form.html", form,
                      lambda: _save_finalist(event, form),
                      _("The finalist is added."), event=event, finalist=None)


@bp.route("/events/<slug>/finalists/<id:finalist_id>/edit", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def edit_finalist(slug: str, finalist_id: int):
    """Change a finalist."""
    event = event_of(slug)
    finalist = awards.get_finalist(event, finalist_id)
    form = FinalistForm(obj=finalist)
    return form_page("organiser/finalist_form.html", form,
                      lambda: _save_finalist(event, form, finalist),
                      _("The finalist is saved."), event=event, finalist=finalist)


@bp.route("/events/<slug>/finalists/<id:finalist_id>/delete", methods=["POST"])
@event_role_required(Capability.DELETE)
def delete_finalist(slug: str, finalist_id: int):
    """Remove a finalist."""
    finalist = awards.get_finalist(event_of(slug), finalist_id)
    return post_action(slug, lambda _form: awards.delete_finalist(current_user, finalist),
                        _("The finalist is deleted."))


@bp.route("/events/<slug>/finalists/<id:finalist_id>/team", methods=["GET", "POST"])
@event_role_required(Capability.ORGANISE)
def finalist_team(slug: str, finalist_id: int):
    """A finalist's team: its members may vote, but not for their own finalist."""
    event = event_of(slug)
    finalist = awards.get_finalist(event, finalist_id)
    form = TeamMemberForm()

    def add_member():
        user = registration.registered_user(event, form.email.data)
        awards.set_team_member(current_user, finalist, user, member=True)
        return url_for("organiser.finalist_team", slug=slug, finalist_id=finalist_id)

    return form_page("organiser/team.html", form, add_member, _("The team member is added."),
                      event=event, finalist=finalist, members=awards.team_members(finalist))


@bp.route("/events/<slug>/finalists/<id:finalist_id>/team/<id:user_id>/remove",
          methods=["POST"])
@event_role_required(Capability.ORGANISE)
def remove_team_member(slug: str, finalist_id: int, user_id: int):
    """Take someone off a finalist's team."""
    event = event_of(slug)
    finalist = awards.get_finalist(event, finalist_id)
    member = next((u for u in awards.team_members(finalist) if u.id == user_id), None)
    if member is None:
        raise NotFound()
    return post_action(slug, lambda _form: awards.set_team_member(
        current_user, finalist, member, member=False), _("The team member is removed."))


# --- registrations ------------------------------------------------------------------------


@bp.route("/events/<slug>/registrations")
@event_role_required(Capability.PARTICIPANTS)
def registrations(slug: str):
    """Everyone registered, with their breakout choices and the counts per session."""
    event = event_of(slug)
    return render_template(
        "organiser/registrations.html", event=event,
        registrations=registration.registrations_for_event(event),
        choices=breakouts.choices_by_registration(event), seats=breakouts.seat_overview(event))
