"""What every app's web pages share."""

from django.contrib import messages

from config.errors import DomainError


def show_refusal(request, error: DomainError, form=None) -> None:
    """Show a refusal beside the form (nothing the person typed is lost) or as a message."""
    if form is not None:
        for text in [error.message, *error.details]:
            form.add_error(None, text)
    else:
        messages.error(request, " ".join([error.message, *error.details]))
