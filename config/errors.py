"""The one exception type services raise when a person asked for something the rules forbid."""


class DomainError(Exception):
    """A refusal with a message the person can act on; `status` is the HTTP code the API uses."""

    status = 400

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.details = [str(detail) for detail in details or []]


class Conflict(DomainError):
    """The object changed under the request (another person acted first)."""

    status = 409


class Forbidden(DomainError):
    """The actor may see the object but not do this to it."""

    status = 403
