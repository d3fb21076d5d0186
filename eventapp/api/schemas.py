"""What the API answers and takes, as marshmallow schemas: flask-smorest validates the input
and writes the OpenAPI document from them, so the document cannot drift from the code."""

from marshmallow import Schema, fields, validate

from ..events.models import EventStatus
from ..registration.models import Attendance, RegistrationStatus

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.ARCHIVED)


class NetworkSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String()
    colour = fields.String(metadata={"description": "The network's colour, #rrggbb"})


class EventSchema(Schema):
    slug = fields.String(required=True)
    network = fields.Function(lambda event: event.network.slug, required=True)
    title = fields.String(required=True)
    motto = fields.String()
    description = fields.String()
    starts_at = fields.DateTime(required=True, metadata={"description": "UTC"})
    ends_at = fields.DateTime(required=True, metadata={"description": "UTC"})
    format = fields.String(metadata={"description": "in_person, online or hybrid"})
    venue = fields.String()
    language = fields.String(metadata={"description": "The meeting's main language: de, en"})
    status = fields.String(validate=validate.OneOf(PUBLIC_STATUSES))
    capacity = fields.Integer(allow_none=True, metadata={"description": "null: no limit"})
    free_places = fields.Integer(allow_none=True)
    invitation_only = fields.Boolean()


class EventQuerySchema(Schema):
    starts_from = fields.Date(data_key="from", metadata={
        "description": "Only meetings ending on or after this day (YYYY-MM-DD)"})
    starts_until = fields.Date(data_key="to", metadata={
        "description": "Only meetings starting on or before this day (YYYY-MM-DD)"})
    status = fields.String(validate=validate.OneOf(PUBLIC_STATUSES))


class AgendaItemSchema(Schema):
    id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    kind = fields.String(metadata={"description": "opening, talk, breakouts, pitches, vote, "
                                                  "award, break or closing"})
    title = fields.String(required=True)
    speaker = fields.String()
    affiliation = fields.String()


class BreakoutSessionSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String()
    host = fields.String()
    capacity = fields.Integer()
    free_seats = fields.Function(lambda s: max(s.capacity - s.seats_taken, 0))


class BreakoutSlotSchema(Schema):
    slot = fields.Nested(AgendaItemSchema, required=True)
    sessions = fields.List(fields.Nested(BreakoutSessionSchema), required=True)


class FinalistSchema(Schema):
    id = fields.Integer(required=True)
    organisation = fields.String(required=True)
    project_title = fields.String(required=True)
    summary = fields.String()
    presenter = fields.String()
    pitch_order = fields.Integer()


# --- for tokens ---------------------------------------------------------------------------


class BreakoutChoiceSchema(Schema):
    slot_id = fields.Integer(required=True)
    session_id = fields.Integer(required=True)
    session_title = fields.String()
    status = fields.String(metadata={"description": "seated or waitlisted"})


class RegistrationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String()
    email = fields.String()
    organisation = fields.String()
    status = fields.String(validate=validate.OneOf(tuple(RegistrationStatus)))
    attendance_mode = fields.String(validate=validate.OneOf(tuple(Attendance)))
    category = fields.String(allow_none=True, metadata={
        "description": "The guest category of an invited person, null for the public"})
    created_at = fields.DateTime()
    checked_in_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    breakouts = fields.List(fields.Nested(BreakoutChoiceSchema))


class RegistrationQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(tuple(RegistrationStatus)))


class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    organisation = fields.String(required=True)
    project_title = fields.String(required=True)
    summary = fields.String()
    contact_name = fields.String()
    contact_email = fields.String()
    answers = fields.List(fields.String())
    status = fields.String()
    created_at = fields.DateTime()


class ResultEntrySchema(Schema):
    rank = fields.Integer()
    organisation = fields.String(metadata={"description": "An organisation, or a person's "
                                                          "name in a people's award"})
    project_title = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    votes = fields.Integer(metadata={"description": "absent where the poll shows the ranking "
                                                   "only"})


class ResultSchema(Schema):
    poll_id = fields.Integer(required=True)
    title = fields.String(required=True)
    votes_cast = fields.Integer(allow_none=True, metadata={
        "description": "null where the poll shows the ranking only"})
    eligible_count = fields.Integer()
    announced_at = fields.DateTime()
    ranking = fields.List(fields.Nested(ResultEntrySchema))


class NewRegistrationSchema(Schema):
    """What the registration form takes; its rules are the form's (registration/forms.py)."""

    name = fields.String(required=True)
    email = fields.String(required=True, metadata={"description": "Gets the link that "
                                                                  "confirms the registration"})
    organisation = fields.String()
    consent = fields.Boolean(required=True, metadata={
        "description": "The person agreed that their data is processed to organise the event"})
    public_listing = fields.Boolean(load_default=False)
    attendance_mode = fields.String(validate=validate.OneOf(tuple(Attendance)), metadata={
        "description": "Required for a hybrid meeting"})
    session_ids = fields.List(fields.Integer(), load_default=list, metadata={
        "description": "At most one breakout session per slot"})
    locale = fields.String(validate=validate.OneOf(("de", "en")), metadata={
        "description": "The language of the mail; by default that of Accept-Language"})


class MessageSchema(Schema):
    message = fields.String(required=True)
