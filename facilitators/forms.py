"""Web forms: they validate the shape of input; the rules live in facilitators.services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.i18n import translated
from facilitators.models import Decision, FacilitatorProfile, PracticeRole

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"


def _helper(submit_label, *, multipart: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    if multipart:
        helper.attrs = {"enctype": "multipart/form-data"}
    return helper


class PersonField(forms.CharField):
    """A person named by username or e-mail."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("help_text", _("The person needs an account; ask an administrator."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        users = list(User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value))[:2])
        if not users:
            raise forms.ValidationError(_("No account has this username or e-mail."))
        if len(users) > 1:
            raise forms.ValidationError(_("Several accounts share this e-mail; use the username."))
        return users[0]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = FacilitatorProfile
        fields = [
            "languages",
            "regions",
            "expertise",
            "contact",
            "publish_on_roster",
            "publish_languages",
            "publish_regions",
            "publish_expertise",
            "publish_contact",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save my profile"))


class ApplyForm(forms.Form):
    applicant_type = forms.ChoiceField(label=_("I apply as"), widget=forms.RadioSelect, choices=[])

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_type"].choices = [
            (item["code"], translated(item["title"])) for item in programme.applicant_types
        ]
        self.helper = _helper(_("Apply"))


class CandidateCreateForm(ApplyForm):
    person = PersonField(label=_("Username or e-mail"))

    field_order = ["person", "applicant_type"]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["applicant_type"].label = _("Applicant type")
        self.helper = _helper(_("Open the application"))


class PortfolioDocumentForm(forms.Form):
    requirement = forms.ChoiceField(label=_("Document"), choices=[])
    file = forms.FileField(label=_("File"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the document is, or where staff can find it."),
    )

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(item.code, item.name) for item in requirements]
        self.helper = _helper(_("Submit the document"), multipart=True)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("note") or "").strip():
            raise forms.ValidationError(_("Attach a file or describe the document."))
        return data


class DocumentReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", _("Accept")), ("0", _("Reject"))], coerce=lambda value: value == "1"
    )
    comment = forms.CharField(required=False, max_length=2000)


class TrainingResultForm(forms.Form):
    component = forms.ChoiceField(label=_("Component"), choices=[])
    hours_attended = forms.DecimalField(
        label=_("Hours attended"), required=False, min_value=0, max_digits=5, decimal_places=1
    )
    score = forms.IntegerField(label=_("Score (out of 100)"), required=False, min_value=0, max_value=100)
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [(item.code, _component_label(item)) for item in components]
        self.helper = _helper(_("Record the result"))


def _component_label(component) -> str:
    parts = [component.name]
    if component.hours:
        parts.append(str(_("%(hours)d hours") % {"hours": component.hours}))
    if component.pass_mark is not None:
        parts.append(str(_("pass mark %(mark)d") % {"mark": component.pass_mark}))
    return " · ".join(parts)


class PracticeRecordForm(forms.Form):
    audit_title = forms.CharField(label=_("Audit"), max_length=200)
    modality_code = forms.SlugField(
        label=_("Modality"), max_length=40, help_text=_("comprehensive, selective or geosa")
    )
    role = forms.ChoiceField(label=_("Role"), choices=PracticeRole.choices)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput, required=False)
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput, required=False)
    supervisor = PersonField(label=_("Supervisor (username or e-mail)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the practice"))

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end cannot be before the start."))
        return data


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contributed_on = forms.DateField(label=_("Date"), widget=DateInput)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (item["code"], translated(item["title"])) for item in programme.contribution_kinds
        ]
        self.helper = _helper(_("Record the contribution"))


class EvaluationForm(forms.Form):
    """One rubric choice (and an optional comment) per competence of the programme."""

    comments = forms.CharField(
        label=_("Comments on the practice as a whole"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.competences = list(programme.competences.all())
        levels = [
            (str(score), f"{score} — {programme.rubric_label(score)}")
            for score in range(programme.rubric_min, programme.rubric_max + 1)
        ]
        for competence in self.competences:
            self.fields[f"score_{competence.code}"] = forms.TypedChoiceField(
                label=competence.name,
                choices=levels,
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{competence.code}"] = forms.CharField(
                label=_("Comment on %(competence)s (optional)") % {"competence": competence.name},
                required=False,
                max_length=500,
            )
        self.fields["comments"] = self.fields.pop("comments")
        self.helper = _helper(_("Record the evaluation"))

    def scores(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"score_{c.code}"] for c in self.competences}

    def score_comments(self) -> dict[str, str]:
        return {c.code: self.cleaned_data[f"comment_{c.code}"] for c in self.competences}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    committee_members = forms.CharField(label=_("Committee members"), required=False, max_length=300)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the decision"))


class TransitionForm(forms.Form):
    target = forms.CharField(max_length=20, widget=forms.HiddenInput)
    comment = forms.CharField(required=False, max_length=2000)
    reason = forms.CharField(required=False, max_length=2000)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, for example K7QF-93XM-2HDA-P4TN."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Check"))
        self.helper.form_method = "get"


class RosterSearchForm(forms.Form):
    language = forms.CharField(label=_("Language"), required=False, max_length=60)
    region = forms.CharField(label=_("Region"), required=False, max_length=60)
    expertise = forms.CharField(label=_("Expertise"), required=False, max_length=60)
