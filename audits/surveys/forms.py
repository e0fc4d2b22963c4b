"""Web forms for facilitators; the rules live in audits.surveys.services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from audits.surveys.models import InvitationMode, QuestionType


class DateInput(forms.DateInput):
    input_type = "date"


class PrepareForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    restrict_to_key_areas = forms.BooleanField(
        required=False, initial=True, label=_("Keep only the questions on the audit's key areas")
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.pk, f"{i.name} ({i.version})") for i in instruments]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm file (.xlsx)"),
        help_text=_("A survey sheet, a choices sheet and a pga_key_areas column (e.g. KA08)."),
    )


class OpenForm(forms.Form):
    closes_on = forms.DateField(widget=DateInput, label=_("Closes at the end of"))
    mode = forms.ChoiceField(choices=InvitationMode.choices, widget=forms.RadioSelect, label=_("Invitations"))


class SkipForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Why does the audit do without a survey?")
    )


class InvitationsForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("E-mail addresses"),
        help_text=_(
            "One per line. Each person gets a link that works once; addresses are erased at closing."
        ),
    )

    def clean_emails(self):
        return [
            line.strip()
            for line in self.cleaned_data["emails"].replace(",", "\n").splitlines()
            if line.strip()
        ]


def _text_fields(prefix: str) -> dict:
    return {
        f"{prefix}_{code}": forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 2}), label=f"{label}"
        )
        for code, label in settings.LANGUAGES
    }


class QuestionForm(forms.Form):
    """Add (section, type, choices) or reword (texts, key areas, required) a question."""

    section = forms.ChoiceField(label=_("Section"))
    type = forms.ChoiceField(choices=QuestionType.choices, label=_("Type"))
    key_areas = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label=_("Key areas"))
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Choices"),
        help_text=_("For single and multiple choice: one per line."),
    )
    required = forms.BooleanField(required=False, label=_("Required"))

    def __init__(self, *args, sections, key_areas, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_text_fields("text"))
        for code, _label in settings.LANGUAGES:
            self.fields[f"text_{code}"].label = _("Question (%(language)s)") % {
                "language": dict(settings.LANGUAGES)[code]
            }
        self.fields["section"].choices = [(s.code, s.name) for s in sections]
        self.fields["key_areas"].choices = [(a.code, f"{a.code} — {a.name}") for a in key_areas]
        if editing:
            for name in ("section", "type", "choices"):
                del self.fields[name]

    def texts(self) -> dict:
        return {code: self.cleaned_data[f"text_{code}"] for code, _label in settings.LANGUAGES}

    def choice_labels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


class SectionForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("New section (page) title"))


class PopulationForm(forms.Form):
    """People in scope per gender and staff category, from the instrument's profile choices."""

    def __init__(self, *args, genders, categories, initial_population, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for field, choices in (("gender", genders), ("staff_category", categories)):
            for code, label in choices:
                name = f"{field}__{code}"
                self.fields[name] = forms.IntegerField(
                    min_value=0,
                    required=False,
                    label=label,
                    initial=(initial_population.get(field) or {}).get(code),
                )
                self.groups.append((field, name))

    def population(self) -> dict:
        result: dict = {"gender": {}, "staff_category": {}}
        for field, name in self.groups:
            value = self.cleaned_data.get(name)
            if value:
                result[field][name.split("__", 1)[1]] = value
        return result
