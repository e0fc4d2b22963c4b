"""The wizard's forms: small, one per action, validated here and checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selfassessment.models import CommentKind


class AdviserRequestForm(forms.Form):
    adviser = forms.CharField(
        label=_("Username or e-mail of a certified facilitator"),
        max_length=254,
        help_text=_("Find one in the public roster of certified facilitators."),
    )
    message = forms.CharField(
        label=_("Message (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdviserAnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Your statement on the self-assessment"), widget=forms.Textarea(attrs={"rows": 4})
    )


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    trained_on = forms.DateField(
        label=_("Training completed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty until the training is completed."),
    )


class TrainedForm(forms.Form):
    trained_on = forms.DateField(
        label=_("Training completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[(level, str(level)) for level in range(1, 6)],
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Why this level?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few sentences on what you see in the organization today."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Documents, figures or survey results that show it, one per line."),
    )


class CommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your review"), choices=CommentKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    suggested_level = forms.TypedChoiceField(
        label=_("Suggested level"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(level, str(level)) for level in range(1, 6)]],
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 2}))
    new_level = forms.TypedChoiceField(
        label=_("Change the level to"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Keep the level")), *[(level, str(level)) for level in range(1, 6)]],
    )
