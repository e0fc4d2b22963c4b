"""The report page's form: the team's executive summary (the rest of the report is the audit's data)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportTextForm(forms.Form):
    executive_summary = forms.CharField(
        label=_("Executive summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few paragraphs for management, separated by blank lines; the report adds the key figures."
        ),
    )
