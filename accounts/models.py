from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Another identity")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class User(AbstractUser):
    """A person who signs in. Gender is recorded because audit teams must include women and men."""

    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, default=Gender.UNDISCLOSED)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
