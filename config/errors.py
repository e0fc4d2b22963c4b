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


def validated(instance, *, exclude: list[str] | None = None):
    """Run a model's field validation and constraints; raise one DomainError listing every problem.

    Services call it before saving so that a violated constraint reads as a sentence, not a 500;
    `exclude` skips fields the service sets afterwards (a file, a relation not saved yet).
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as error:
        problems = [
            f"{instance._meta.get_field(name).verbose_name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        raise DomainError(_("Please correct the highlighted values."), details=problems) from None
    return instance
