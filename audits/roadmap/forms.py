"""Web forms for the roadmap pages: they validate the shape of input; the rules live in services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from audits.roadmap.models import ActionStatus, CommentKind, Priority


class DateInput(forms.DateInput):
    input_type = "date"


def _helper(label, *, tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = tag
    helper.add_input(Submit("submit", label))
    return helper


class RecommendationForm(forms.Form):
    key_area = forms.ChoiceField(label=_("Key area"))
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.MultipleChoiceField(
        label=_("Findings it answers"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, key_areas, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_area"].choices = [(ka.code, f"{ka.code} {ka.name}") for ka in key_areas]
        self.fields["findings"].choices = [
            (
                str(finding.pk),
                f"{finding.key_area.code} · {finding.get_kind_display()}: {finding.statement[:120]}",
            )
            for finding in findings
        ]
        self.helper = _helper(_("Save the recommendation"))


class ActionForm(forms.Form):
    recommendation = forms.TypedChoiceField(label=_("Recommendation it serves"), coerce=int)
    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        help_text=_("A role in the organization, e.g. Head of Human Resources."),
    )
    start = forms.DateField(label=_("Start"), widget=DateInput)
    end = forms.DateField(label=_("End"), widget=DateInput)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    indicator = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=2)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    drop_reason = forms.CharField(
        label=_("Reason for dropping"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = [
            (r.pk, f"{r.key_area.code}: {r.text[:100]}") for r in recommendations
        ]
        self.helper = _helper(_("Save the action"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        if data.get("status") == ActionStatus.DROPPED and not (data.get("drop_reason") or "").strip():
            self.add_error("drop_reason", _("Say why the action is dropped."))
        return data


class AdoptForm(forms.Form):
    """Adopt a typical action of the library for one of the audit's recommendations."""

    recommendation = forms.TypedChoiceField(label=_("For the recommendation"), coerce=int)
    start = forms.DateField(label=_("Start"), widget=DateInput, required=False)

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = [
            (r.pk, f"{r.key_area.code}: {r.text[:80]}") for r in recommendations
        ]


class CommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommentKind.choices)
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How the team resolved it"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    value = forms.DecimalField(label=_("Indicator value"), required=False, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    drop_reason = forms.CharField(label=_("Reason for dropping"), required=False)

    def clean(self):
        """A dropped action needs a reason; the note serves as one when no reason is given."""
        data = super().clean()
        if data.get("status") == ActionStatus.DROPPED:
            reason = (data.get("drop_reason") or data.get("note") or "").strip()
            if not reason:
                self.add_error("drop_reason", _("Say why the action is dropped."))
            data["drop_reason"] = reason
        return data


class BaselineForm(forms.Form):
    baseline = forms.TypedChoiceField(label=_("Baseline audit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline"].choices = [("", _("No baseline"))] + [
            (audit.pk, f"{audit.title} ({audit.created_at:%Y})") for audit in candidates
        ]
        self.helper = _helper(_("Save the baseline"), tag=True)
