"""Web forms for evidence: they check the shape of input; the rules live in evidence.services."""

from __future__ import annotations

import zoneinfo
from functools import cache

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.evidence.models import (
    DocumentType,
    EvidenceCode,
    ExcerptKind,
    FindingKind,
    Interview,
    InterviewKind,
    InterviewMode,
    ProfileGender,
    ProfileRole,
    Rating,
    StatementKind,
    WorkshopDelivery,
)
from audits.evidence.uploads import max_upload_bytes
from audits.models import FACILITATION_ROLES

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _helper(submit_label, *, form_id: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    if form_id:
        helper.form_id = form_id
    return helper


def _key_area_choices(key_areas) -> list[tuple[str, str]]:
    return [(area.code, f"{area.code} — {area.name}") for area in key_areas]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    doc_type = forms.ChoiceField(choices=DocumentType.choices, label=_("Type"))
    date = forms.DateField(required=False, widget=DateInput, label=_("Date"))
    key_areas = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label=_("Key areas it concerns")
    )
    file = forms.FileField(
        required=False,
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.txt,.csv,.md"}),
    )
    link = forms.URLField(
        required=False,
        max_length=500,
        label=_("…or a link"),
        assume_scheme="https",
        help_text=_("For a public document, a link is enough."),
    )

    def __init__(self, *args, key_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_areas"].choices = _key_area_choices(key_areas)
        limit = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _(
            "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT) or plain text/CSV; at most %(mb)d MiB. "
            "Only the audit's facilitation team can download it."
        ) % {"mb": limit}
        self.helper = _helper(_("Add the document"))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("link"):
            raise forms.ValidationError(_("Upload a file or give a link."))
        return data


class AssessmentForm(forms.Form):
    """One rating and notes per guiding question of each key area the document concerns."""

    def __init__(self, *args, key_areas, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        for key_area in key_areas:
            for index, question in enumerate(key_area.questions):
                current = existing.get((key_area.pk, index))
                rating = f"rating-{key_area.code}-{index}"
                notes = f"notes-{key_area.code}-{index}"
                self.fields[rating] = forms.ChoiceField(
                    choices=[("", _("Not reviewed")), *Rating.choices],
                    required=False,
                    label=question,
                    initial=current.rating if current else "",
                )
                self.fields[notes] = forms.CharField(
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    label=_("Notes"),
                    initial=current.notes if current else "",
                )
                self.criteria.append((key_area, index, question, self[rating], self[notes]))

    @property
    def groups(self) -> list[tuple]:
        """(key area, [(question, rating field, notes field)]) in the key areas' order."""
        grouped: dict = {}
        for key_area, _index, question, rating, notes in self.criteria:
            grouped.setdefault(key_area, []).append((question, rating, notes))
        return list(grouped.items())

    def assessments(self) -> list[tuple]:
        return [
            (
                key_area,
                index,
                self.cleaned_data[f"rating-{key_area.code}-{index}"],
                self.cleaned_data[f"notes-{key_area.code}-{index}"],
            )
            for key_area, index, *_rest in self.criteria
        ]


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(
        choices=InterviewKind.choices, label=_("Interview"), initial=InterviewKind.INDIVIDUAL
    )
    participants = forms.IntegerField(
        min_value=1,
        initial=1,
        label=_("Participants"),
        help_text=_("For a group interview: how many people."),
    )
    scheduled_at = forms.DateTimeField(widget=DateTimeLocalInput, label=_("Scheduled for"))
    time_zone = forms.ChoiceField(label=_("Time zone"))
    mode = forms.ChoiceField(choices=InterviewMode.choices, label=_("Mode"))
    video_link = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Video call link")
    )
    location = forms.CharField(required=False, max_length=200, label=_("Place (in person)"))
    grade = forms.CharField(
        required=False, max_length=100, label=_("Grade"), help_text=_("A category, as in the staff file.")
    )
    gender = forms.ChoiceField(
        choices=ProfileGender.choices, label=_("Gender"), initial=ProfileGender.UNDISCLOSED
    )
    role = forms.ChoiceField(
        choices=[("", _("Not recorded")), *ProfileRole.choices], required=False, label=_("Role")
    )
    consent = forms.BooleanField(
        required=False,
        label=_("Consent recorded"),
        help_text=_("The interviewee agreed to the interview and to notes being taken."),
    )
    name_consent = forms.BooleanField(required=False, label=_("The interviewee agrees to be named"))
    interviewee_name = forms.CharField(
        required=False,
        max_length=200,
        label=_("Interviewee's name"),
        help_text=_("Only with their consent; it is never shown outside this page."),
    )
    interviewers = forms.ModelMultipleChoiceField(
        User.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label=_("Interviewers")
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Notes"),
        help_text=_("Visible to the facilitation team only."),
    )

    def __init__(self, *args, audit, interview: Interview | None = None, **kwargs):
        initial = kwargs.pop("initial", {})
        if interview is not None:
            zone = zoneinfo.ZoneInfo(interview.time_zone)
            initial = {
                **{name: getattr(interview, name) for name in self.base_fields if name != "interviewers"},
                "scheduled_at": timezone.localtime(interview.scheduled_at, zone).replace(tzinfo=None),
                "interviewers": list(interview.interviewers.all()),
            }
        initial.setdefault("time_zone", settings.TIME_ZONE)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["interviewers"].queryset = User.objects.filter(
            audit_roles__audit=audit, audit_roles__role__in=FACILITATION_ROLES
        ).order_by("last_name", "username")
        self.helper = _helper(_("Save the interview"))
        self.helper.layout = Layout(
            Fieldset(
                _("When and how"),
                Row(Column("kind", css_class="col-sm-6"), Column("participants", css_class="col-sm-6")),
                Row(Column("scheduled_at", css_class="col-sm-6"), Column("time_zone", css_class="col-sm-6")),
                "mode",
                Row(Column("video_link", css_class="col-sm-6"), Column("location", css_class="col-sm-6")),
            ),
            Fieldset(
                _("Interviewee, as categories"),
                Row(
                    Column("grade", css_class="col-sm-4"),
                    Column("gender", css_class="col-sm-4"),
                    Column("role", css_class="col-sm-4"),
                ),
            ),
            Fieldset(_("Consent"), "consent", "name_consent", "interviewee_name"),
            Fieldset(_("Interviewers and notes"), InlineCheckboxes("interviewers"), "notes"),
        )

    def clean(self):
        data = super().clean()
        moment, zone = data.get("scheduled_at"), data.get("time_zone")
        if moment and zone:
            # The wall-clock time typed is read in the interview's own time zone.
            wall = timezone.make_naive(moment) if timezone.is_aware(moment) else moment
            data["scheduled_at"] = wall.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        if data.get("mode") == InterviewMode.VIDEO and not data.get("video_link"):
            self.add_error("video_link", _("A video call needs its link."))
        if data.get("interviewee_name") and not data.get("name_consent"):
            self.add_error("interviewee_name", _("Keep a name only when the person agrees to be named."))
        if data.get("kind") == InterviewKind.GROUP and (data.get("participants") or 0) < 2:
            self.add_error("participants", _("A group interview has at least 2 participants."))
        if data.get("notes", "").strip() and not data.get("consent"):
            self.add_error("notes", _("Record the interviewee's consent before keeping notes."))
        return data


class ExcerptForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ExcerptKind.choices, widget=forms.RadioSelect, initial=ExcerptKind.QUOTATION, label=_("Kind")
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Quotation or summary"))
    code = forms.ChoiceField(choices=EvidenceCode.choices, widget=forms.RadioSelect, label=_("Code"))
    key_areas = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label=_("Key areas"))

    def __init__(self, *args, key_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_areas"].choices = _key_area_choices(key_areas)
        self.helper = _helper(_("Add the excerpt"), form_id="excerpt-form")


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    date = forms.DateField(widget=DateInput, label=_("Date"))
    delivery = forms.ChoiceField(choices=WorkshopDelivery.choices, label=_("Delivery"))
    women = forms.IntegerField(min_value=0, initial=0, label=_("Women taking part"))
    men = forms.IntegerField(min_value=0, initial=0, label=_("Men taking part"))
    other = forms.IntegerField(min_value=0, initial=0, label=_("Others taking part"))
    exercises = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Exercises run"),
        help_text=_("One per line."),
    )

    def __init__(self, *args, workshop=None, **kwargs):
        if workshop is not None:
            kwargs["initial"] = {
                **{name: getattr(workshop, name) for name in self.base_fields},
                "exercises": "\n".join(workshop.exercises),
            }
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the workshop"))


class StatementForm(forms.Form):
    key_area = forms.ChoiceField(label=_("Key area"))
    kind = forms.ChoiceField(choices=StatementKind.choices, widget=forms.RadioSelect, label=_("Kind"))
    exercise = forms.ChoiceField(required=False, label=_("Exercise"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Statement"))
    promoted = forms.BooleanField(required=False, label=_("Promote to evidence now"))

    def __init__(self, *args, key_areas, exercises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_area"].choices = _key_area_choices(key_areas)
        self.fields["exercise"].choices = [("", "—"), *((name, name) for name in exercises)]
        self.helper = _helper(_("Add the statement"))


class StaffFileForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_(
            "One row per worker: employee_id, gender, category, annual_hours, base_pay, optional "
            "variable_pay, grade, unit and contract_type. A new file replaces the current one."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Check and store the file"))


class FindingForm(forms.Form):
    """Drafted on a key area's board; the cited items are checkboxes beside the evidence."""

    kind = forms.ChoiceField(
        choices=FindingKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        label=_("Kind"),
    )
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("Finding"))
    evidence = forms.MultipleChoiceField(required=False, label=_("Evidence cited"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(item.key, item.label) for item in items]

    def clean_evidence(self):
        chosen = self.cleaned_data["evidence"]
        if not chosen:
            raise forms.ValidationError(_("Tick “Cite” beside at least one piece of evidence."))
        return chosen
