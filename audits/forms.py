"""Web forms: they validate the shape of input; the rules live in audits.services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, Delivery, Modality, Organization, TeamRole, Unit

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"


def _helper(submit_label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    return helper


class AuditCreateForm(forms.Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label=_("Organization"))
    unit = forms.ModelChoiceField(
        Unit.objects.none(),
        required=False,
        label=_("Unit in scope"),
        help_text=_("Leave empty when the whole organization is in scope."),
    )
    modality = forms.ModelChoiceField(Modality.objects.none(), label=_("Modality"), empty_label=None)
    title = forms.CharField(max_length=200, label=_("Title"))
    people_in_scope = forms.IntegerField(min_value=1, required=False, label=_("People in scope"))
    planned_start = forms.DateField(required=False, widget=DateInput, label=_("Planned start"))
    planned_end = forms.DateField(required=False, widget=DateInput, label=_("Planned end"))
    delivery = forms.ChoiceField(choices=Delivery.choices, label=_("Delivery"))
    language = forms.ChoiceField(choices=Audit._meta.get_field("language").choices, label=_("Language"))

    def __init__(self, *args, organizations, modalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["unit"].queryset = Unit.objects.filter(organization__in=organizations).select_related(
            "organization"
        )
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.organization} — {unit.name}"
        self.fields["modality"].queryset = modalities
        self.helper = _helper(_("Create the audit"))

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the planned start."))
        unit, organization = data.get("unit"), data.get("organization")
        if unit and organization and unit.organization_id != organization.pk:
            self.add_error("unit", _("This unit belongs to another organization."))
        return data


class AuditDetailsForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    unit = forms.ModelChoiceField(Unit.objects.none(), required=False, label=_("Unit in scope"))
    people_in_scope = forms.IntegerField(min_value=1, required=False, label=_("People in scope"))
    planned_start = forms.DateField(required=False, widget=DateInput, label=_("Planned start"))
    planned_end = forms.DateField(required=False, widget=DateInput, label=_("Planned end"))
    delivery = forms.ChoiceField(choices=Delivery.choices, label=_("Delivery"))
    language = forms.ChoiceField(choices=Audit._meta.get_field("language").choices, label=_("Language"))
    min_group_size = forms.IntegerField(
        min_value=3,
        label=_("Minimum group size"),
        help_text=_("No figure about fewer people than this is ever shown (3 at least)."),
    )

    def __init__(self, *args, audit: Audit, scope_editable: bool, **kwargs):
        initial = {name: getattr(audit, name) for name in self.base_fields}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["unit"].queryset = audit.organization.units.all()
        if not scope_editable:
            for name in ("unit", "people_in_scope"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the preparation is over.")
        self.helper = _helper(_("Save"))

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    country = forms.CharField(max_length=100, required=False, label=_("Country"))
    region = forms.CharField(
        max_length=100,
        required=False,
        label=_("Region"),
        help_text=_("The region the organization belongs to, for programme dashboards."),
    )
    sector = forms.CharField(max_length=100, required=False, label=_("Sector"))
    units = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Units"),
        help_text=_("One work unit per line (department, office, regional administration)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Register the organization"))

    def clean_units(self):
        names = [line.strip() for line in self.cleaned_data["units"].splitlines() if line.strip()]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("A unit is listed twice."))
        return names


class TeamMemberAddForm(forms.Form):
    person = forms.CharField(
        max_length=254,
        label=_("Username or e-mail"),
        help_text=_("The person needs an account; ask an administrator to create one."),
    )
    role = forms.ChoiceField(choices=TeamRole.choices, label=_("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add to the team"))

    def clean_person(self):
        value = self.cleaned_data["person"].strip()
        users = list(User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value))[:2])
        if not users:
            raise forms.ValidationError(_("No account has this username or e-mail."))
        if len(users) > 1:
            raise forms.ValidationError(_("Several accounts share this e-mail; use the username."))
        return users[0]


class TeamRoleForm(forms.Form):
    role = forms.ChoiceField(choices=TeamRole.choices, label=_("Role"))


class KeyAreasForm(forms.Form):
    key_areas = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label=_("Key areas")
    )

    def __init__(self, *args, key_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_areas"].choices = [(area.code, f"{area.code} — {area.name}") for area in key_areas]
        self.helper = _helper(_("Save the key areas"))


class TransitionForm(forms.Form):
    target = forms.CharField(max_length=40, widget=forms.HiddenInput)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason to proceed despite the warnings"),
    )
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason for cancelling")
    )
