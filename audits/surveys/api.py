"""REST API for staff surveys: instruments, the survey's life, invitations, respondents and analysis.

Every figure about people is serialized from a disclosure Cell: a hidden one is
{"value": null, "suppressed": true}. Respondent endpoints need no account: the token is the key,
and guessing tokens is throttled (config.throttle).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from audits.disclosure import Cell, footnote
from audits.selectors import current_methodology
from audits.surveys import export_jobs, exports, links, selectors, services
from audits.surveys.instruments import instrument_document
from audits.surveys.models import ExportStatus, Instrument, InvitationMode, QuestionType, SurveyExport
from audits.surveys.xlsform import XLSFormError, export_xlsform, read_xlsform
from config.api import named_choice_field
from config.errors import Conflict, DomainError
from config.i18n import translated
from config.schema import error_responses
from config.throttle import TokenLookupThrottle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Respondent links are public: guessing them is slowed down; a valid link is never throttled.
SURVEY_LINKS = TokenLookupThrottle("survey-link")


def cell(value: Cell | None) -> dict | None:
    return value.to_api() if value is not None else None


def _access(request, audit_pk) -> selectors.SurveyAccess:
    return selectors.survey_access(request.user, audit_pk)


def _survey(access: selectors.SurveyAccess):
    if access.survey is None:
        raise DomainError(_("This audit has no staff survey."))
    return access.survey


def survey_state(access: selectors.SurveyAccess) -> dict:
    survey = access.survey
    if survey is None:
        return {"status": None, "uses_survey": False}
    return {
        "status": survey.effective_status,
        "uses_survey": survey.status != "skipped",
        "mode": survey.mode or None,
        "closes_at": survey.closes_at,
        "skip_reason": survey.skip_reason or None,
        "instrument": survey.instrument_id,
        "shared_link": survey.shared_token
        if access.can_steer and survey.accepting and survey.shared_token
        else None,
        "editable": survey.editable and access.can_steer,
    }


class StateSerializer(serializers.Serializer):
    status = serializers.CharField(allow_null=True)
    uses_survey = serializers.BooleanField()
    mode = serializers.CharField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    skip_reason = serializers.CharField(required=False, allow_null=True)
    instrument = serializers.IntegerField(required=False, allow_null=True)
    shared_link = serializers.CharField(required=False, allow_null=True)
    editable = serializers.BooleanField(required=False)


class InstrumentSummarySerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ["id", "code", "version", "title"]

    def get_title(self, instrument) -> str:
        return translated(instrument.title)


class PrepareSerializer(serializers.Serializer):
    instrument = serializers.IntegerField()
    restrict_to_key_areas = serializers.BooleanField(default=True)


class QuestionSerializer(serializers.Serializer):
    section = serializers.CharField(max_length=60)
    type = serializers.ChoiceField(choices=QuestionType.choices)
    text = serializers.DictField(child=serializers.CharField(allow_blank=True))
    key_areas = serializers.ListField(child=serializers.CharField(max_length=10))
    choices = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    required = serializers.BooleanField(default=False)


class QuestionUpdateSerializer(serializers.Serializer):
    text = serializers.DictField(child=serializers.CharField(allow_blank=True))
    key_areas = serializers.ListField(child=serializers.CharField(max_length=10))
    required = serializers.BooleanField(default=False)


class OpenSerializer(serializers.Serializer):
    closes_on = serializers.DateField()
    mode = serializers.ChoiceField(choices=InvitationMode.choices)


class SkipSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PopulationSerializer(serializers.Serializer):
    gender = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False, default=dict)
    staff_category = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )


class EmailsSerializer(serializers.Serializer):
    emails = serializers.ListField(child=serializers.CharField(max_length=254), allow_empty=False)


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class InvitationSummarySerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    reminded = serializers.IntegerField()


class FileSerializer(serializers.Serializer):
    file = serializers.FileField()


class DraftSerializer(serializers.Serializer):
    answers = serializers.DictField(required=False, default=dict)
    profile = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    section = serializers.IntegerField(min_value=0, required=False, default=0)
    browser_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class SubmitSerializer(DraftSerializer):
    submission_id = serializers.CharField(max_length=100)


class InstrumentLibraryView(APIView):
    serializer_class = InstrumentSummarySerializer

    @extend_schema(
        summary="Survey questionnaires in the current methodology library",
        operation_id="survey_instruments_list",
        responses=InstrumentSummarySerializer(many=True),
    )
    def get(self, request):
        methodology = current_methodology()
        instruments = selectors.library_instruments(methodology) if methodology else Instrument.objects.none()
        return Response(InstrumentSummarySerializer(instruments, many=True).data)


@extend_schema(summary="One library questionnaire, whole", responses=OpenApiTypes.OBJECT)
class InstrumentDetailView(APIView):
    def get(self, request, pk: int):
        instrument = selectors.library_instruments_any().filter(pk=pk).first()
        if instrument is None:
            return Response({"detail": _("No such questionnaire.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(instrument_document(selectors.instrument_with_content(instrument.pk)))


class SurveyView(APIView):
    @extend_schema(
        summary="The audit's survey: status, links and whether it can still change", responses=StateSerializer
    )
    def get(self, request, audit_pk: int):
        return Response(survey_state(_access(request, audit_pk)))

    @extend_schema(
        summary="Prepare the survey from a library questionnaire (replaces the draft)",
        request=PrepareSerializer,
        responses={201: StateSerializer},
    )
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = PrepareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        instrument = (
            selectors.library_instruments_any().filter(pk=payload.validated_data["instrument"]).first()
        )
        if instrument is None:
            raise DomainError(_("No such questionnaire in the library."))
        services.survey_prepare(
            actor=request.user,
            audit=access.audit,
            instrument=instrument,
            restrict_to_key_areas=payload.validated_data["restrict_to_key_areas"],
        )
        return Response(survey_state(_access(request, audit_pk)), status=status.HTTP_201_CREATED)


@extend_schema(summary="The audit's questionnaire, whole", responses=OpenApiTypes.OBJECT)
class SurveyInstrumentView(APIView):
    def get(self, request, audit_pk: int):
        survey = _survey(_access(request, audit_pk))
        if survey.instrument_id is None:
            raise DomainError(_("The survey has no questionnaire."))
        return Response(instrument_document(selectors.instrument_with_content(survey.instrument_id)))


class QuestionsView(APIView):
    @extend_schema(summary="Add a question", request=QuestionSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = QuestionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        question = services.question_add(
            actor=request.user, audit=access.audit, data=services.QuestionInput(**payload.validated_data)
        )
        return Response({"code": question.code}, status=status.HTTP_201_CREATED)


class QuestionView(APIView):
    @extend_schema(
        summary="Reword or relink a question", request=QuestionUpdateSerializer, responses=OpenApiTypes.OBJECT
    )
    def patch(self, request, audit_pk: int, code: str):
        access = _access(request, audit_pk)
        payload = QuestionUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        question = services.question_update(
            actor=request.user, audit=access.audit, code=code, **payload.validated_data
        )
        return Response({"code": question.code, "text": question.text, "key_areas": question.key_areas})

    @extend_schema(summary="Remove a question", responses={204: None})
    def delete(self, request, audit_pk: int, code: str):
        services.question_remove(actor=request.user, audit=_access(request, audit_pk).audit, code=code)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RestrictView(APIView):
    @extend_schema(
        summary="Keep only the questions on the audit's key areas", request=None, responses=CountSerializer
    )
    def post(self, request, audit_pk: int):
        removed = services.instrument_restrict(actor=request.user, audit=_access(request, audit_pk).audit)
        return Response({"count": removed})


class XLSFormView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Download the questionnaire as an XLSForm", responses={(200, XLSX): OpenApiTypes.BINARY}
    )
    def get(self, request, audit_pk: int):
        survey = _survey(_access(request, audit_pk))
        if survey.instrument_id is None:
            raise DomainError(_("The survey has no questionnaire."))
        document = instrument_document(selectors.instrument_with_content(survey.instrument_id))
        return xlsx_response(export_xlsform(document), f"questionnaire-{survey.audit_id}.xlsx")

    @extend_schema(
        summary="Use an XLSForm as the questionnaire (while the survey is being prepared)",
        request={"multipart/form-data": FileSerializer},
        responses={201: StateSerializer},
    )
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = FileSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = import_document(request.user, access, payload.validated_data["file"])
        services.survey_import(actor=request.user, audit=access.audit, document=document)
        return Response(survey_state(_access(request, audit_pk)), status=status.HTTP_201_CREATED)


def import_document(actor, access: selectors.SurveyAccess, upload) -> dict:
    """Read an uploaded XLSForm (steering only), turning its problems into one DomainError."""
    services.require_steering(actor, access.audit)
    if upload.size > 5_000_000:
        raise DomainError(_("The file is larger than 5 MB; an XLSForm is much smaller."))
    codes = list(access.audit.methodology.key_areas.values_list("code", flat=True))
    try:
        return read_xlsform(upload.read(), key_area_codes=codes)
    except XLSFormError as error:
        raise DomainError(
            _("The XLSForm cannot be used; nothing was changed."), details=error.problems
        ) from None


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OpenView(APIView):
    @extend_schema(summary="Open the survey until a date", request=OpenSerializer, responses=StateSerializer)
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = OpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.survey_open(actor=request.user, audit=access.audit, **payload.validated_data)
        return Response(survey_state(_access(request, audit_pk)))


class CloseView(APIView):
    @extend_schema(summary="Close the survey", request=None, responses=StateSerializer)
    def post(self, request, audit_pk: int):
        services.survey_close(actor=request.user, audit=_access(request, audit_pk).audit)
        return Response(survey_state(_access(request, audit_pk)))


class SkipView(APIView):
    @extend_schema(
        summary="Do without a survey, with the reason recorded",
        request=SkipSerializer,
        responses=StateSerializer,
    )
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = SkipSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.survey_skip(actor=request.user, audit=access.audit, reason=payload.validated_data["reason"])
        return Response(survey_state(_access(request, audit_pk)))


class PopulationView(APIView):
    @extend_schema(
        summary="People in scope by gender and staff category",
        request=PopulationSerializer,
        responses=PopulationSerializer,
    )
    def put(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = PopulationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        survey = services.survey_set_population(
            actor=request.user, audit=access.audit, population=payload.validated_data
        )
        return Response(survey.population)


class InvitationsView(APIView):
    @extend_schema(summary="How many people are invited and reminded", responses=InvitationSummarySerializer)
    def get(self, request, audit_pk: int):
        summary = selectors.invitation_summary(_survey(_access(request, audit_pk)))
        return Response({"invited": summary.invited, "reminded": summary.reminded})

    @extend_schema(
        summary="Invite people by e-mail (single-use links)",
        request=EmailsSerializer,
        responses={201: CountSerializer},
    )
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        payload = EmailsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = services.invitations_add(
            actor=request.user,
            audit=access.audit,
            emails=payload.validated_data["emails"],
            base_url=request.build_absolute_uri("/"),
        )
        return Response({"count": len(ids)}, status=status.HTTP_201_CREATED)


class RemindersView(APIView):
    @extend_schema(summary="Remind those who have not answered", request=None, responses=CountSerializer)
    def post(self, request, audit_pk: int):
        count = services.reminders_send(
            actor=request.user,
            audit=_access(request, audit_pk).audit,
            base_url=request.build_absolute_uri("/"),
        )
        return Response({"count": count})


def participation_data(participation) -> dict:
    table = participation.table
    data = {
        "min_group_size": participation.k,
        "shown": participation.shown,
        "responses": cell(participation.responses),
        "people_in_scope": participation.people_in_scope,
        "response_rate": cell(participation.rate),
        "footnote": footnote(participation.k),
    }
    if table is None:
        return data
    data["by_gender_and_category"] = [
        {
            "gender": str(row),
            "cells": {str(column): table.cell(row, column).to_api() for column in table.counts.columns},
        }
        for row in table.counts.index
    ]
    data["representativeness"] = {
        field: [
            {
                "group": row.group,
                "label": row.label,
                "respondents": cell(row.respondents),
                "respondents_share": cell(row.respondents_share),
                "in_scope": cell(row.in_scope),
                "in_scope_share": cell(row.in_scope_share),
                "response_rate": cell(row.rate),
            }
            for row in rows
        ]
        for field, rows in participation.representativeness.items()
    }
    return data


class ParticipationView(APIView):
    @extend_schema(
        summary="Responses against people in scope, by group (nothing under the minimum group size)",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, audit_pk: int):
        survey = _survey(_access(request, audit_pk))
        return Response(participation_data(selectors.survey_participation(survey)))


def item_data(item) -> dict:
    return {
        "code": item.code,
        "label": item.label,
        "kind": item.kind,
        "type": item.type,
        "key_areas": list(item.key_areas),
        "answers": cell(item.answers),
        "mean": cell(item.mean),
        "share_agreeing": cell(item.agree),
        "share_dont_know": cell(item.dont_know),
        "distribution": [
            {"code": c.code, "label": c.label, "count": cell(c.count), "share": cell(c.share)}
            for c in item.distribution
        ],
    }


def breakdown_data(breakdown) -> list[dict] | None:
    if breakdown is None:
        return None
    return [
        {
            "item": item,
            "groups": [
                {
                    "group": list(group) if isinstance(group, tuple) else group,
                    "label": breakdown.group_labels[group],
                    "mean": cell(figure.mean),
                    "share_agreeing": cell(figure.agree),
                }
                for group, figure in groups.items()
            ],
        }
        for item, groups in breakdown.rows.items()
    ]


def analysis_data(result) -> dict:
    return {
        "min_group_size": result.k,
        "responses": cell(result.responses),
        "breakdowns_allowed": result.breakdowns_allowed,
        "key_areas": [item_data(item) for item in result.key_areas],
        "questions": [item_data(item) for item in result.questions],
        "by_gender": breakdown_data(result.by_gender),
        "by_gender_and_category": breakdown_data(result.by_gender_category),
        "perception_gaps": [
            {
                "item": gap.code,
                "label": gap.label,
                "kind": gap.kind,
                "women_mean": cell(gap.women),
                "men_mean": cell(gap.men),
                "gap": cell(gap.gap),
                "interval_95": [gap.low, gap.high] if gap.low is not None else None,
                "significant": gap.significant,
            }
            for gap in result.gaps
        ],
        "footnote": footnote(result.k),
    }


class AnalysisView(APIView):
    @extend_schema(summary="The survey's analysis (facilitation team)", responses=OpenApiTypes.OBJECT)
    def get(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        selectors.require_analysis(request.user, access.audit)
        return Response(analysis_data(selectors.survey_analysis(_survey(access))))


class OpenAnswersView(APIView):
    @extend_schema(
        summary="Open answers per question (facilitation team only)",
        responses=inline_serializer(
            "OpenAnswers",
            fields={
                "question": serializers.CharField(),
                "label": serializers.CharField(),
                "answers": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
    )
    def get(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        selectors.require_open_answers(request.user, access.audit)
        return Response(
            [
                {"question": entry.question.code, "label": entry.question.label, "answers": entry.answers}
                for entry in selectors.open_answers(_survey(access))
            ]
        )


class ExportView(APIView):
    @extend_schema(
        summary="Anonymised responses as CSV (facilitation team); the XLSX is prepared in the background",
        description="The XLSX kind answers 409 with the address to POST to: see survey-exports.",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["csv", "xlsx"])],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **error_responses(409)},
    )
    def get(self, request, audit_pk: int, kind: str):
        access = _access(request, audit_pk)
        selectors.require_analysis(request.user, access.audit)
        survey = _survey(access)
        if kind not in ("csv", "xlsx"):
            return Response({"detail": _("Export as csv or xlsx.")}, status=status.HTTP_404_NOT_FOUND)
        if kind == "xlsx":
            return Response(
                {
                    "detail": _("The XLSX file is prepared in the background: POST to the exports address."),
                    "exports": reverse("survey-exports", args=[survey.audit_id], request=request),
                },
                status=status.HTTP_409_CONFLICT,
            )
        response = HttpResponse(exports.responses_csv(survey), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.audit_id}.csv"'
        return response


# The XLSX export, prepared by the task worker ----------------------------------------------------


ExportStatusField = named_choice_field("SurveyExportStatus", ExportStatus.choices)


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = ExportStatusField(help_text="failed also when no worker took it up or the worker stopped")
    progress = serializers.IntegerField(min_value=0, max_value=100)
    error = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField()
    download = serializers.URLField(allow_null=True)
    retry = serializers.URLField(allow_null=True)


def export_data(request, export: SurveyExport) -> dict:
    shown = exports.effective_status(export)
    args = [export.survey.audit_id, export.pk]
    return {
        "id": export.pk,
        "status": shown,
        "progress": export.progress,
        "error": exports.effective_error(export) if shown == ExportStatus.FAILED else "",
        "language": export.language,
        "size": export.size,
        "requested_at": export.requested_at,
        "finished_at": export.finished_at,
        "url": reverse("survey-export-job", args=args, request=request),
        "download": reverse("survey-export-download", args=args, request=request)
        if shown == ExportStatus.DONE
        else None,
        "retry": reverse("survey-export-retry", args=args, request=request)
        if shown == ExportStatus.FAILED
        else None,
    }


def _analysis_survey(request, audit_pk: int):
    access = _access(request, audit_pk)
    selectors.require_analysis(request.user, access.audit)
    return _survey(access)


def _exported(request, export: SurveyExport) -> Response:
    ready = exports.effective_status(export) == ExportStatus.DONE
    code = status.HTTP_200_OK if ready else status.HTTP_202_ACCEPTED
    return Response(ExportSerializer(export_data(request, export)).data, status=code)


class ExportsView(APIView):
    @extend_schema(
        summary="Prepare the survey's XLSX workbook (facilitation team)",
        description="202 while queued or being prepared (poll its url); 200 when a workbook of the same "
        "responses is ready.",
        request=None,
        responses={200: ExportSerializer, 202: ExportSerializer},
    )
    def post(self, request, audit_pk: int):
        access = _access(request, audit_pk)
        export = export_jobs.export_request(
            actor=request.user, audit=access.audit, language=translation.get_language()
        )
        return _exported(request, export)


class ExportJobView(APIView):
    @extend_schema(summary="An XLSX export's status and progress", responses=ExportSerializer)
    def get(self, request, audit_pk: int, export_pk: int):
        export = exports.export_get(_analysis_survey(request, audit_pk), export_pk)
        return Response(ExportSerializer(export_data(request, export)).data)


class ExportRetryView(APIView):
    @extend_schema(
        summary="Prepare a failed XLSX export again", request=None, responses={202: ExportSerializer}
    )
    def post(self, request, audit_pk: int, export_pk: int):
        export = exports.export_get(_analysis_survey(request, audit_pk), export_pk)
        return _exported(request, export_jobs.export_retry(actor=request.user, export=export))


class ExportDownloadView(APIView):
    @extend_schema(
        summary="Download a prepared XLSX workbook (409 until it is ready)",
        responses={(200, XLSX): OpenApiTypes.BINARY, **error_responses(409)},
    )
    def get(self, request, audit_pk: int, export_pk: int):
        export = exports.export_get(_analysis_survey(request, audit_pk), export_pk)
        return export_file_response(export)


def export_file_response(export: SurveyExport) -> FileResponse:
    """The stored workbook as a private attachment; Conflict while it is not ready."""
    if exports.effective_status(export) != ExportStatus.DONE:
        raise Conflict(_("The XLSX file is not ready yet."))
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage; prepare it again.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"survey-{export.survey.audit_id}.xlsx", content_type=XLSX
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Respondents (no account; the token is the key) --------------------------------------------------


class RespondentAPIView(APIView):
    """No account, no session, JSON only: the respondent's hot path carries nothing it does not use."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def link(self, token: str) -> links.RespondentLink:
        link = links.resolve(token)
        if link.state == links.LinkState.UNKNOWN:
            if SURVEY_LINKS.refuse_unknown(self.request):
                raise SURVEY_LINKS.api_error()
            raise LinkRefused(_("This link is not known."), status=404)
        return link


class LinkRefused(DomainError):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def _refuse_unusable(link: links.RespondentLink) -> None:
    messages = {
        links.LinkState.NOT_OPEN: _("The survey has not opened yet."),
        links.LinkState.CLOSED: _("The survey is closed."),
        links.LinkState.USED: _("This link has already been used to answer."),
    }
    if not link.usable:
        raise LinkRefused(messages[link.state], status=410)


class RespondView(RespondentAPIView):
    @extend_schema(
        summary="The questionnaire behind a respondent link, in the request's language",
        responses={200: OpenApiTypes.OBJECT, **error_responses(410, 429)},
    )
    def get(self, request, token: str):
        link = self.link(token)
        _refuse_unusable(link)
        document = selectors.frozen_questionnaire(link.survey).document_json
        closes_at = JSONRenderer().render(link.survey.closes_at)
        body = b'{"closes_at":%b,"questionnaire":%b}' % (closes_at, document)
        return HttpResponse(body, content_type="application/json")


class RespondDraftView(RespondentAPIView):
    @extend_schema(
        summary="Save answers so far (resumable from the same link)",
        request=DraftSerializer,
        responses={204: None, **error_responses(410, 429)},
    )
    def put(self, request, token: str):
        link = self.link(token)
        _refuse_unusable(link)
        payload = DraftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.draft_save(
            link=link,
            key=link.draft_key(data["browser_key"]),
            answers=data["answers"],
            profile=data["profile"],
            section=data["section"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RespondSubmitView(RespondentAPIView):
    @extend_schema(
        summary="Submit the answers (idempotent: retrying with the same submission id stores nothing more)",
        request=SubmitSerializer,
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, **error_responses(410, 429)},
    )
    def post(self, request, token: str):
        link = self.link(token)
        payload = SubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not link.usable and not services.submission_stored(data["submission_id"]):
            _refuse_unusable(link)
        created = services.response_submit(
            link=link,
            key=link.draft_key(data["browser_key"]),
            submission_id=data["submission_id"],
            answers=data["answers"],
            profile=data["profile"],
        )
        return Response(
            {"stored": created, "detail": _("Thank you: your answers are recorded.")},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
