"""Domain errors: services raise them, routes and the app-wide handler turn them into answers."""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule of the domain said no; carries a message for the user and an HTTP status."""

    status_code = 409
    default_message = _l("This action is not possible right now.")

    def __init__(self, message=None):
        # `is None`, not `or`: a lazy string's truth value would translate it right here.
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)


class NotFound(DomainError):
    status_code = 404
    default_message = _l("This page does not exist.")


class Forbidden(DomainError):
    status_code = 403
    default_message = _l("You are not allowed to do this.")


class InvalidInput(DomainError):
    status_code = 422
    default_message = _l("Please check your input.")


class Conflict(DomainError):
    status_code = 409
    default_message = _l("Someone else changed this at the same time. Please try again.")
