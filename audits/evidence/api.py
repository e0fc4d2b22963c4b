"""REST API for an audit's evidence: the same services and selectors as the web pages.

Every view starts with selectors.evidence_audit_get: outside the facilitation team, 404. Figures
about people are the disclosure module's output: a hidden figure is null with "suppressed": true.
An interviewee's name is never returned.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from audits.analysis.paygap import pay_gap_indicators
from audits.disclosure import Cell
from audits.evidence import selectors, services, sources
from audits.evidence.models import (
    Document,
    DocumentAssessment,
    DocumentType,
    EvidenceCode,
    EvidenceKind,
    Excerpt,
    ExcerptKind,
    Finding,
    FindingEvidence,
    FindingKind,
    Interview,
    InterviewKind,
    InterviewMode,
    ProfileGender,
    ProfileRole,
    Rating,
    StatementKind,
    Workshop,
    WorkshopDelivery,
    WorkshopStatement,
)
from config.errors import DomainError

User = get_user_model()


def _api(value: Any) -> Any:
    """Disclosure cells as {"value", "suppressed"}, recursively through lists and dicts."""
    if isinstance(value, Cell):
        return value.to_api()
    if isinstance(value, dict):
        return {key: _api(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_api(item) for item in value]
    return value


class KeyAreaCodes(serializers.ListField):
    child = serializers.CharField(max_length=10)


_CHOICE_FIELDS: dict[str, type] = {}


def choice(choices, name: str, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum is the schema component `name` (InterviewKind, WorkshopDelivery...).

    Field names such as kind, mode, role or delivery mean different choice sets in different apps;
    a component named after the choice set keeps them from competing for one generated enum name.
    """
    if name not in _CHOICE_FIELDS:
        values = [value for value, _label in choices]
        if kwargs.get("allow_blank") and "" not in values:
            values.append("")
        _CHOICE_FIELDS[name] = extend_schema_field({"type": "string", "enum": values}, component_name=name)(
            type(f"{name}Field", (serializers.ChoiceField,), {})
        )
    return _CHOICE_FIELDS[name](choices=choices, **kwargs)


# Documents


class AssessmentSerializer(serializers.ModelSerializer):
    key_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    rating = choice(Rating.choices, "DocumentRating", read_only=True)
    criterion_text = serializers.CharField(read_only=True)

    class Meta:
        model = DocumentAssessment
        fields = ["id", "key_area", "criterion", "criterion_text", "rating", "notes", "reviewed_at"]


class DocumentSerializer(serializers.ModelSerializer):
    doc_type = choice(DocumentType.choices, "DocumentType", read_only=True)
    key_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    download_url = serializers.SerializerMethodField()
    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "doc_type",
            "date",
            "key_areas",
            "link",
            "original_name",
            "content_type",
            "size",
            "download_url",
            "added_at",
            "assessments",
        ]

    def get_download_url(self, document) -> str | None:
        if not document.file:
            return None
        return reverse("evidence-api:document-file", args=[document.audit_id, document.pk])


class DocumentCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    doc_type = choice(DocumentType.choices, "DocumentType")
    date = serializers.DateField(required=False, allow_null=True)
    key_areas = KeyAreaCodes(required=False, default=list)
    file = serializers.FileField(required=False, allow_null=True)
    link = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)


class AssessmentWriteSerializer(serializers.Serializer):
    key_area = serializers.CharField(max_length=10)
    criterion = serializers.IntegerField(min_value=1, help_text="1 for the key area's first guiding question")
    rating = choice([("", "clear"), *Rating.choices], "DocumentRatingOrClear", allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentList(generics.GenericAPIView):
    serializer_class = DocumentSerializer
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="audits_documents_list",
        summary="Documents collected for the desk review",
        responses=DocumentSerializer(many=True),
    )
    def get(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        documents = selectors.documents_of(audit).prefetch_related("assessments__key_area")
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(
        summary="Add a document: an upload (checked by content, size-limited) or a link",
        request={
            "multipart/form-data": DocumentCreateSerializer,
            "application/json": DocumentCreateSerializer,
        },
        responses={201: DocumentSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        payload = DocumentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        document = services.document_add(
            actor=request.user,
            audit=audit,
            title=data["title"],
            doc_type=data["doc_type"],
            date=data.get("date"),
            key_areas=data["key_areas"],
            upload=data.get("file"),
            link=data["link"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetail(generics.GenericAPIView):
    serializer_class = DocumentSerializer

    def _document(self, request, audit_pk, pk) -> Document:
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return get_object_or_404(
            selectors.documents_of(audit).prefetch_related("assessments__key_area"), pk=pk
        )

    @extend_schema(summary="A document with its review")
    def get(self, request, audit_pk, pk):
        return Response(DocumentSerializer(self._document(request, audit_pk, pk)).data)

    @extend_schema(summary="Delete a document and its stored file (steering role)", responses={204: None})
    def delete(self, request, audit_pk, pk):
        services.document_delete(actor=request.user, document=self._document(request, audit_pk, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentFile(generics.GenericAPIView):
    serializer_class = None

    @extend_schema(
        summary="Download the stored file (attachment)", responses={(200, "*/*"): OpenApiTypes.BINARY}
    )
    def get(self, request, audit_pk, pk):
        from audits.evidence.views import document_file_response

        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return document_file_response(get_object_or_404(Document, audit=audit, pk=pk))


class DocumentAssessments(generics.GenericAPIView):
    serializer_class = AssessmentWriteSerializer
    pagination_class = None

    @extend_schema(
        summary="Record the review, criterion by criterion (a blank rating clears one)",
        request=AssessmentWriteSerializer(many=True),
        responses=AssessmentSerializer(many=True),
    )
    def put(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        document = get_object_or_404(Document, audit=audit, pk=pk)
        payload = AssessmentWriteSerializer(data=request.data, many=True)
        payload.is_valid(raise_exception=True)
        key_areas = {ka.code: ka for ka in document.key_areas.all()}
        rows = []
        for row in payload.validated_data:
            key_area = key_areas.get(row["key_area"].upper())
            if key_area is None:
                raise DomainError(f"{document.title} is not tagged with {row['key_area']}; tag it first.")
            rows.append((key_area, row["criterion"] - 1, row["rating"], row["notes"]))
        services.document_assess(actor=request.user, document=document, assessments=rows)
        return Response(AssessmentSerializer(selectors.assessments_of(document), many=True).data)


# Interviews


class ExcerptSerializer(serializers.ModelSerializer):
    kind = choice(ExcerptKind.choices, "ExcerptKind", read_only=True)
    code = choice(EvidenceCode.choices, "ExcerptCode", read_only=True)
    key_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Excerpt
        fields = ["id", "kind", "text", "code", "key_areas", "created_at"]


class ExcerptWriteSerializer(serializers.Serializer):
    kind = choice(ExcerptKind.choices, "ExcerptKind")
    text = serializers.CharField()
    code = choice(EvidenceCode.choices, "ExcerptCode")
    key_areas = KeyAreaCodes(allow_empty=False)


class InterviewSerializer(serializers.ModelSerializer):
    """An interview as the team reads it: its notes and excerpts, never the interviewee's name."""

    kind = choice(InterviewKind.choices, "InterviewKind", read_only=True)
    mode = choice(InterviewMode.choices, "InterviewMode", read_only=True)
    gender = choice(ProfileGender.choices, "IntervieweeGender", read_only=True)
    role = choice(ProfileRole.choices, "IntervieweeRole", read_only=True, allow_blank=True)
    interviewers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    excerpts = ExcerptSerializer(many=True, read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id",
            "kind",
            "participants",
            "scheduled_at",
            "time_zone",
            "mode",
            "video_link",
            "location",
            "grade",
            "gender",
            "role",
            "consent",
            "consent_recorded_at",
            "name_consent",
            "interviewers",
            "notes",
            "excerpts",
            "created_at",
        ]


class InterviewWriteSerializer(serializers.Serializer):
    kind = choice(InterviewKind.choices, "InterviewKind")
    participants = serializers.IntegerField(min_value=1, required=False, default=1)
    scheduled_at = serializers.DateTimeField(help_text="ISO 8601; without an offset, read in time_zone")
    time_zone = serializers.CharField(max_length=64, required=False, default="UTC")
    mode = choice(InterviewMode.choices, "InterviewMode")
    video_link = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    grade = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    gender = choice(ProfileGender.choices, "IntervieweeGender", required=False, default="undisclosed")
    role = choice(ProfileRole.choices, "IntervieweeRole", required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(required=False, default=False)
    name_consent = serializers.BooleanField(required=False, default=False)
    interviewee_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, write_only=True
    )
    interviewers = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), many=True, required=False
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        """A time without an offset is wall-clock time in the interview's time zone."""
        value = super().to_internal_value(data)
        raw = str(data.get("scheduled_at", ""))
        if "scheduled_at" in value and not _has_offset(raw):
            value["scheduled_at"] = value["scheduled_at"].replace(tzinfo=None)
        return value


def _has_offset(text: str) -> bool:
    clock = text.partition("T")[2]
    return clock.endswith("Z") or "+" in clock or "-" in clock


def _interviews(audit):
    return selectors.interviews_of(audit).prefetch_related(
        Prefetch(
            "excerpts", queryset=Excerpt.objects.prefetch_related("key_areas").order_by("created_at", "pk")
        )
    )


class InterviewList(generics.GenericAPIView):
    serializer_class = InterviewSerializer
    pagination_class = None

    @extend_schema(
        operation_id="audits_interviews_list",
        summary="The audit's interviews with their notes (facilitation team only)",
        responses=InterviewSerializer(many=True),
    )
    def get(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return Response(InterviewSerializer(_interviews(audit), many=True).data)

    @extend_schema(
        summary="Schedule or record an interview",
        request=InterviewWriteSerializer,
        responses={201: InterviewSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        payload = InterviewWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        people = data.pop("interviewers", [])
        interview = services.interview_create(actor=request.user, audit=audit, interviewers=people, **data)
        return Response(InterviewSerializer(_interviews(audit).get(pk=interview.pk)).data, status=201)


class InterviewDetail(generics.GenericAPIView):
    serializer_class = InterviewSerializer

    def _interview(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return audit, get_object_or_404(_interviews(audit), pk=pk)

    @extend_schema(summary="An interview with its notes and coded excerpts")
    def get(self, request, audit_pk, pk):
        _audit, interview = self._interview(request, audit_pk, pk)
        return Response(InterviewSerializer(interview).data)

    @extend_schema(summary="Change an interview", request=InterviewWriteSerializer)
    def patch(self, request, audit_pk, pk):
        audit, interview = self._interview(request, audit_pk, pk)
        payload = InterviewWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        people = data.pop("interviewers", None)
        services.interview_update(actor=request.user, interview=interview, interviewers=people, **data)
        return Response(InterviewSerializer(_interviews(audit).get(pk=interview.pk)).data)

    @extend_schema(
        summary="Delete an interview, its notes and excerpts (steering role)", responses={204: None}
    )
    def delete(self, request, audit_pk, pk):
        _audit, interview = self._interview(request, audit_pk, pk)
        services.interview_delete(actor=request.user, interview=interview)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExcerptList(generics.GenericAPIView):
    serializer_class = ExcerptSerializer

    @extend_schema(
        summary="Code an excerpt of the interview",
        request=ExcerptWriteSerializer,
        responses={201: ExcerptSerializer},
    )
    def post(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        interview = selectors.interview_get(audit, pk)
        payload = ExcerptWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        excerpt = services.excerpt_add(actor=request.user, interview=interview, **payload.validated_data)
        return Response(ExcerptSerializer(excerpt).data, status=status.HTTP_201_CREATED)


# Workshops


class StatementSerializer(serializers.ModelSerializer):
    key_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = choice(StatementKind.choices, "StatementKind", read_only=True)

    class Meta:
        model = WorkshopStatement
        fields = ["id", "key_area", "kind", "text", "exercise", "promoted", "created_at"]


class StatementWriteSerializer(serializers.Serializer):
    key_area = serializers.CharField(max_length=10)
    kind = choice(StatementKind.choices, "StatementKind")
    text = serializers.CharField()
    exercise = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    promoted = serializers.BooleanField(required=False, default=False)


class PromoteSerializer(serializers.Serializer):
    promoted = serializers.BooleanField()


class DisclosedCountSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()


class WorkshopSerializer(serializers.ModelSerializer):
    """A workshop; its participants by gender through the disclosure rule."""

    delivery = choice(WorkshopDelivery.choices, "WorkshopDelivery", read_only=True)
    participants = serializers.SerializerMethodField()
    statements = StatementSerializer(many=True, read_only=True)

    class Meta:
        model = Workshop
        fields = ["id", "title", "date", "delivery", "participants", "exercises", "statements"]

    @extend_schema_field(
        inline_serializer(
            "WorkshopParticipants",
            {
                "women": DisclosedCountSerializer(),
                "men": DisclosedCountSerializer(),
                "other": DisclosedCountSerializer(),
                "total": DisclosedCountSerializer(),
            },
        )
    )
    def get_participants(self, workshop) -> dict:
        counts = selectors.workshop_participants(workshop, workshop.audit.min_group_size)
        return {name: getattr(counts, name).to_api() for name in ("women", "men", "other", "total")}


class WorkshopWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    delivery = choice(WorkshopDelivery.choices, "WorkshopDelivery")
    women = serializers.IntegerField(min_value=0, required=False, default=0)
    men = serializers.IntegerField(min_value=0, required=False, default=0)
    other = serializers.IntegerField(min_value=0, required=False, default=0)
    exercises = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )


def _workshops(audit):
    return (
        audit.workshops.select_related("audit")
        .prefetch_related(
            Prefetch("statements", queryset=WorkshopStatement.objects.select_related("key_area"))
        )
        .order_by("date", "pk")
    )


class WorkshopList(generics.GenericAPIView):
    serializer_class = WorkshopSerializer
    pagination_class = None

    @extend_schema(
        operation_id="audits_workshops_list",
        summary="The audit's workshops and their outputs",
        responses=WorkshopSerializer(many=True),
    )
    def get(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return Response(WorkshopSerializer(_workshops(audit), many=True).data)

    @extend_schema(
        summary="Record a workshop", request=WorkshopWriteSerializer, responses={201: WorkshopSerializer}
    )
    def post(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        payload = WorkshopWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        workshop = services.workshop_create(actor=request.user, audit=audit, **payload.validated_data)
        return Response(WorkshopSerializer(_workshops(audit).get(pk=workshop.pk)).data, status=201)


class WorkshopDetail(generics.GenericAPIView):
    serializer_class = WorkshopSerializer

    @extend_schema(summary="A workshop with its outputs")
    def get(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return Response(WorkshopSerializer(get_object_or_404(_workshops(audit), pk=pk)).data)

    @extend_schema(summary="Delete a workshop and its outputs (steering role)", responses={204: None})
    def delete(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        services.workshop_delete(actor=request.user, workshop=get_object_or_404(Workshop, audit=audit, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StatementList(generics.GenericAPIView):
    serializer_class = StatementSerializer

    @extend_schema(
        summary="Capture an output of the workshop for a key area",
        request=StatementWriteSerializer,
        responses={201: StatementSerializer},
    )
    def post(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        workshop = get_object_or_404(Workshop, audit=audit, pk=pk)
        payload = StatementWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        statement = services.statement_add(actor=request.user, workshop=workshop, **payload.validated_data)
        return Response(StatementSerializer(statement).data, status=status.HTTP_201_CREATED)


class StatementDetail(generics.GenericAPIView):
    serializer_class = StatementSerializer

    @extend_schema(summary="Promote an output to evidence, or withdraw it", request=PromoteSerializer)
    def patch(self, request, audit_pk, pk, statement_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        statement = get_object_or_404(
            WorkshopStatement, workshop__audit=audit, workshop_id=pk, pk=statement_pk
        )
        payload = PromoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        statement = services.statement_promote(
            actor=request.user, statement=statement, promoted=payload.validated_data["promoted"]
        )
        return Response(StatementSerializer(statement).data)


# Staff statistics


class StaffDatasetSerializer(serializers.Serializer):
    source_name = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    uploaded_at = serializers.DateTimeField()


class StaffUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class StaffData(generics.GenericAPIView):
    serializer_class = StaffDatasetSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="The stored staff file's description (no figures)")
    def get(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        dataset = selectors.staff_dataset(audit)
        if dataset is None:
            raise Http404("No staff file is stored.")
        return Response(StaffDatasetSerializer(dataset).data)

    @extend_schema(
        summary="Upload the staff file (CSV or XLSX): validated whole, stored only without problems",
        request={"multipart/form-data": StaffUploadSerializer},
        responses={201: StaffDatasetSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        payload = StaffUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dataset = services.staff_file_upload(
            actor=request.user, audit=audit, upload=payload.validated_data["file"]
        )
        return Response(StaffDatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Delete the staff data (steering role)", responses={204: None})
    def delete(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        services.staff_data_delete(actor=request.user, audit=audit)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _dataset_or_404(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    dataset = selectors.staff_dataset(audit)
    if dataset is None:
        raise Http404("No staff file is stored.")
    return audit, dataset


class StaffAnalysis(generics.GenericAPIView):
    serializer_class = None

    @extend_schema(
        summary="Headcounts, share of women, the leaky pipeline and the pay-gap indicators",
        description="Counts and shares are {value, suppressed}; a hidden figure is null, suppressed true.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, audit_pk):
        audit, dataset = _dataset_or_404(request, audit_pk)
        return Response(_api(selectors.staff_analysis(audit, dataset)))


class StaffPayGap(generics.GenericAPIView):
    serializer_class = None

    @extend_schema(
        summary="The pay-gap indicators with exactly the keys of `manage.py paygap --json`",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, audit_pk):
        audit, dataset = _dataset_or_404(request, audit_pk)
        return Response(pay_gap_indicators(selectors.staff_frame(dataset), min_group=audit.min_group_size))


# The evidence board and findings


class EvidenceItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    ref = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()
    source = serializers.CharField()
    tag = serializers.CharField()


class EvidenceSectionSerializer(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    items = EvidenceItemSerializer(many=True)


class Board(generics.GenericAPIView):
    serializer_class = EvidenceSectionSerializer
    pagination_class = None

    @extend_schema(
        summary="Everything that is evidence for a key area, by source",
        responses=EvidenceSectionSerializer(many=True),
    )
    def get(self, request, audit_pk, code):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        key_area = selectors.key_area_get(audit, code)
        sections = [
            {"source": source.code, "label": str(source.label), "items": items}
            for source, items in sources.board(audit, key_area, request.user)
        ]
        return Response(EvidenceSectionSerializer(sections, many=True).data)


class FindingEvidenceSerializer(serializers.ModelSerializer):
    kind = choice(EvidenceKind.choices, "EvidenceKind", read_only=True)
    ref = serializers.CharField(read_only=True)

    class Meta:
        model = FindingEvidence
        fields = ["kind", "ref", "snapshot"]


class FindingSerializer(serializers.ModelSerializer):
    key_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = choice(FindingKind.choices, "FindingKind", read_only=True)
    evidence = FindingEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "key_area", "kind", "statement", "evidence", "created_at", "updated_at"]


class FindingWriteSerializer(serializers.Serializer):
    key_area = serializers.CharField(max_length=10)
    kind = choice(FindingKind.choices, "FindingKind")
    statement = serializers.CharField()
    evidence = serializers.ListField(
        child=serializers.CharField(max_length=200), help_text='Keys of board items, e.g. "excerpt:12"'
    )


class FindingUpdateSerializer(serializers.Serializer):
    kind = choice(FindingKind.choices, "FindingKind", required=False)
    statement = serializers.CharField(required=False)
    evidence = serializers.ListField(child=serializers.CharField(max_length=200), required=False)


class FindingList(generics.GenericAPIView):
    serializer_class = FindingSerializer
    pagination_class = None

    @extend_schema(
        operation_id="audits_findings_list",
        summary="The audit's findings",
        responses=FindingSerializer(many=True),
        parameters=[OpenApiParameter("key_area", OpenApiTypes.STR, description="a key area code")],
    )
    def get(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        code = request.query_params.get("key_area")
        key_area = selectors.key_area_get(audit, code) if code else None
        return Response(FindingSerializer(selectors.findings_of(audit, key_area), many=True).data)

    @extend_schema(
        summary="Draft a finding citing items of the key area's board",
        request=FindingWriteSerializer,
        responses={201: FindingSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        payload = FindingWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        finding = services.finding_create(actor=request.user, audit=audit, **payload.validated_data)
        return Response(FindingSerializer(selectors.finding_get(audit, finding.pk)).data, status=201)


class FindingDetail(generics.GenericAPIView):
    serializer_class = FindingSerializer

    @extend_schema(summary="A finding with the evidence it cites")
    def get(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        return Response(FindingSerializer(selectors.finding_get(audit, pk)).data)

    @extend_schema(
        summary="Change a finding; a new evidence list replaces the cited items",
        request=FindingUpdateSerializer,
    )
    def patch(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        finding = selectors.finding_get(audit, pk)
        payload = FindingUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.finding_update(actor=request.user, finding=finding, **payload.validated_data)
        return Response(FindingSerializer(selectors.finding_get(audit, pk)).data)

    @extend_schema(summary="Delete a finding (steering role)", responses={204: None})
    def delete(self, request, audit_pk, pk):
        audit = selectors.evidence_audit_get(request.user, audit_pk)
        services.finding_delete(actor=request.user, finding=selectors.finding_get(audit, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
