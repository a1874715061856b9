"""Domain errors: their messages are written for the person who will read them."""


class DomainError(Exception):
    """A rule of the organisation stops this action. Views show the message; the API sends 400."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The person may not do this. Shown as 403 (or 404 where existence itself is private)."""

    status_code = 403


class NotFound(DomainError):
    """Missing, or not visible to this person: the two are deliberately indistinguishable."""

    status_code = 404


class TooMany(DomainError):
    """The person has done this as often as a day (or an hour) allows: 429."""

    status_code = 429
