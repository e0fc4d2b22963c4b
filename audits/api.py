"""REST API for organizations, audits, teams, key areas, transitions and the methodology library.

Views validate input and call the same services and selectors as the web pages.
"""

from django.contrib.auth import get_user_model
from django.db.models import Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audits import selectors, services, workflow
from audits.models import (
    Audit,
    Delivery,
    KeyArea,
    MethodologyVersion,
    Modality,
    Organization,
    Phase,
    PhaseTransition,
    TeamMember,
    TeamRole,
    Unit,
)
from config.i18n import translated

User = get_user_model()

MAX_ID = 2**63 - 1  # BigAutoField


def _is_id(value: str | None) -> bool:
    """Whether a query-string value can be a row id: ASCII digits within range ("²".isdigit() is True)."""
    return bool(value) and value.isascii() and value.isdigit() and int(value) <= MAX_ID


@extend_schema_field(OpenApiTypes.STR)
class TranslatedField(serializers.Field):
    """A {"en": ..., "fr": ...} text rendered in the request's language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return translated(value)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class OrganizationSerializer(serializers.ModelSerializer):
    units = UnitSerializer(many=True, read_only=True)
    unit_names = serializers.ListField(
        child=serializers.CharField(max_length=200), write_only=True, required=False
    )

    class Meta:
        model = Organization
        fields = ["id", "name", "country", "region", "sector", "units", "unit_names"]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TranslatedListField(TranslatedField):
    """A {"en": [...], "fr": [...]} list rendered in the request's language."""


class KeyAreaSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    description = TranslatedField()
    guiding_questions = TranslatedListField()

    class Meta:
        model = KeyArea
        fields = ["code", "order", "title", "description", "guiding_questions"]


class PhaseSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = Phase
        fields = ["code", "order", "title", "description", "exit_guards", "scope_editable", "final"]


class ModalitySerializer(serializers.ModelSerializer):
    title = TranslatedField()
    description = TranslatedField()
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Modality
        fields = [
            "code",
            "title",
            "description",
            "facilitated",
            "steering_roles",
            "team_min",
            "team_max",
            "people_in_scope_max",
            "key_areas_all",
            "key_areas_min",
            "key_areas_max",
            "duration_months_min",
            "duration_months_max",
            "on_site_weeks",
            "phases",
        ]


class MethodologySerializer(serializers.ModelSerializer):
    title = TranslatedField()
    key_areas = KeyAreaSerializer(many=True, read_only=True)
    modalities = ModalitySerializer(many=True, read_only=True)

    class Meta:
        model = MethodologyVersion
        fields = ["id", "code", "version", "title", "loaded_at", "key_areas", "modalities"]


class OpenOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization the user may start an audit for (selectors.organizations_open_to).

    An id nobody has and one outside the user's reach get the same answer, so nothing leaks.
    """

    default_error_messages = {
        "does_not_exist": _(
            "You cannot start an audit for this organization: it is not one you work with or registered. "
            "Register it, or ask its coordinator or the programme staff to add you to its audit."
        )
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Organization.objects.none(), **kwargs)

    def get_queryset(self):
        return selectors.organizations_open_to(self.context["request"].user)


class OpenUnitField(serializers.PrimaryKeyRelatedField):
    """A unit of an organization the user may start an audit for: no other organization's unit names."""

    default_error_messages = {
        "does_not_exist": _("This unit does not belong to an organization you can start an audit for.")
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Unit.objects.none(), **kwargs)

    def get_queryset(self):
        return Unit.objects.filter(
            organization__in=selectors.organizations_open_to(self.context["request"].user)
        )


class AuditSerializer(serializers.ModelSerializer):
    organization = OpenOrganizationField()
    unit = OpenUnitField(required=False, allow_null=True)
    modality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    modality_code = serializers.SlugField(
        write_only=True, help_text="A modality code of the current methodology (see /api/methodology/)."
    )
    methodology_version = serializers.CharField(source="modality.methodology.version", read_only=True)
    phase_label = serializers.SerializerMethodField()
    key_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "title",
            "organization",
            "unit",
            "modality",
            "modality_code",
            "methodology_version",
            "phase",
            "phase_label",
            "people_in_scope",
            "planned_start",
            "planned_end",
            "delivery",
            "language",
            "min_group_size",
            "key_areas",
            "created_at",
        ]
        read_only_fields = ["phase", "created_at"]

    def get_phase_label(self, audit) -> str:
        return workflow.phase_label(audit, audit.phase)

    def validate_modality_code(self, code):
        methodology = selectors.current_methodology()
        if methodology is None:
            raise serializers.ValidationError(
                "No methodology library is loaded yet; run manage.py loadmethodology first."
            )
        codes = [modality.code for modality in methodology.modalities.all()]
        if code not in codes:
            raise serializers.ValidationError(
                f'"{code}" is not a modality of the current methodology; choose one of {", ".join(codes)}.'
            )
        return code


class OwnUnitField(serializers.PrimaryKeyRelatedField):
    """A unit of the audit's own organization (context["audit"]): no other organization's unit names."""

    default_error_messages = {"does_not_exist": _("This unit does not belong to the audit's organization.")}

    def __init__(self, **kwargs):
        super().__init__(queryset=Unit.objects.none(), **kwargs)

    def get_queryset(self):
        return self.context["audit"].organization.units.all()


class AuditUpdateSerializer(serializers.Serializer):
    """The details an audit's steering people may change; its organization is not one of them."""

    title = serializers.CharField(max_length=200, required=False)
    unit = OwnUnitField(required=False, allow_null=True)
    people_in_scope = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    delivery = serializers.ChoiceField(choices=Delivery.choices, required=False)
    language = serializers.ChoiceField(choices=["en", "fr", "es"], required=False)
    min_group_size = serializers.IntegerField(min_value=3, required=False)


class TeamMemberSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    name = serializers.CharField(source="user.__str__", read_only=True)
    gender = serializers.CharField(source="user.gender", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "user", "name", "gender", "role"]


class TeamRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=TeamRole.choices)


class KeyAreaSelectionSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=10), allow_empty=True)


class GuardCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    severity = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()


class TransitionOptionSerializer(serializers.Serializer):
    action = serializers.CharField()
    target = serializers.CharField()
    label = serializers.CharField()
    allowed = serializers.BooleanField()
    permitted = serializers.BooleanField()
    needs_reason = serializers.BooleanField()
    checks = GuardCheckSerializer(many=True)
    blocking = GuardCheckSerializer(many=True)
    warnings = GuardCheckSerializer(many=True)


class TransitionRequestSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=40)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PhaseTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", read_only=True, default=None, allow_null=True)

    class Meta:
        model = PhaseTransition
        fields = [
            "id",
            "action",
            "from_phase",
            "to_phase",
            "actor",
            "at",
            "comment",
            "override_reason",
            "overridden_warnings",
        ]


@extend_schema_view(
    list=extend_schema(summary="Organizations you can see"),
    create=extend_schema(summary="Register an organization (staff and facilitators)"),
)
class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        return selectors.organizations_for(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.organization_create(
            actor=self.request.user,
            name=data["name"],
            country=data.get("country", ""),
            region=data.get("region", ""),
            sector=data.get("sector", ""),
            units=data.get("unit_names", []),
        )


@extend_schema_view(
    list=extend_schema(
        summary="Audits you can see",
        parameters=[
            OpenApiParameter("phase", OpenApiTypes.STR),
            OpenApiParameter("modality", OpenApiTypes.STR),
            OpenApiParameter("organization", OpenApiTypes.INT),
        ],
    ),
    partial_update=extend_schema(request=AuditUpdateSerializer),
)
class AuditViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AuditSerializer

    def get_queryset(self):
        params = self.request.query_params
        organization = params.get("organization") or None
        if organization is not None and not _is_id(organization):
            organization = -1
        return selectors.audits_filtered(
            self.request.user,
            phase=params.get("phase"),
            modality=params.get("modality"),
            organization=organization,
        ).prefetch_related("key_areas", "modality__phases")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.audit_create(
            actor=self.request.user,
            organization=data["organization"],
            modality=data["modality_code"],
            title=data["title"],
            unit=data.get("unit"),
            people_in_scope=data.get("people_in_scope"),
            planned_start=data.get("planned_start"),
            planned_end=data.get("planned_end"),
            delivery=data.get("delivery", Delivery.REMOTE),
            language=data.get("language", "en"),
            min_group_size=data.get("min_group_size", 5),
        )

    def get_object(self):
        return selectors.audit_get(self.request.user, self.kwargs["pk"])

    def partial_update(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        unknown = sorted(set(request.data) - set(AuditUpdateSerializer().fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed here."] for name in unknown}
            )
        payload = AuditUpdateSerializer(data=request.data, partial=True, context={"audit": audit})
        payload.is_valid(raise_exception=True)
        audit = services.audit_update(actor=request.user, audit=audit, **payload.validated_data)
        return Response(AuditSerializer(audit, context={"request": request}).data)

    @extend_schema(
        summary="Moves open to the audit now, with the guards that block each one",
        responses=TransitionOptionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        options = workflow.transition_options(audit, permitted=selectors.can_steer(request.user, audit))
        return Response(TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        summary="Perform a move (name its target phase)",
        request=TransitionRequestSerializer,
        responses={201: PhaseTransitionSerializer},
    )
    @transitions.mapping.post
    def perform_transition(self, request, pk=None):
        payload = TransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = services.audit_transition(actor=request.user, audit_id=pk, **payload.validated_data)
        return Response(PhaseTransitionSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The audit's phase history", responses=PhaseTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        return Response(PhaseTransitionSerializer(selectors.history_of(audit), many=True).data)

    @extend_schema(summary="The audit's selected key areas", responses=KeyAreaSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="key-areas", pagination_class=None)
    def key_areas(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        return Response(KeyAreaSerializer(audit.key_areas.order_by("order"), many=True).data)

    @extend_schema(
        summary="Replace the selected key areas (by code)",
        request=KeyAreaSelectionSerializer,
        responses=KeyAreaSerializer(many=True),
    )
    @key_areas.mapping.put
    def set_key_areas(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        payload = KeyAreaSelectionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.audit_set_key_areas(actor=request.user, audit=audit, codes=payload.validated_data["codes"])
        return Response(KeyAreaSerializer(audit.key_areas.order_by("order"), many=True).data)

    @extend_schema(summary="The audit team", responses=TeamMemberSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def team(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        return Response(TeamMemberSerializer(selectors.team_of(audit), many=True).data)

    @extend_schema(
        summary="Add a person to the team",
        request=TeamMemberSerializer,
        responses={201: TeamMemberSerializer},
    )
    @team.mapping.post
    def add_team_member(self, request, pk=None):
        audit = selectors.audit_get(request.user, pk)
        payload = TeamMemberSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = services.team_member_add(actor=request.user, audit=audit, **payload.validated_data)
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class TeamMemberView(generics.GenericAPIView):
    """Change a member's role or remove them from the team."""

    serializer_class = TeamMemberSerializer

    def _member(self, request, audit_pk, member_pk) -> TeamMember:
        audit = selectors.audit_get(request.user, audit_pk)
        return get_object_or_404(audit.team.select_related("user"), pk=member_pk)

    @extend_schema(request=TeamRoleSerializer, responses=TeamMemberSerializer)
    def patch(self, request, audit_pk, member_pk):
        member = self._member(request, audit_pk, member_pk)
        payload = TeamRoleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = services.team_member_change_role(
            actor=request.user, member=member, role=payload.validated_data["role"]
        )
        return Response(TeamMemberSerializer(member).data)

    @extend_schema(responses={204: None})
    def delete(self, request, audit_pk, member_pk):
        member = self._member(request, audit_pk, member_pk)
        services.team_member_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MethodologyViewSet(viewsets.ReadOnlyModelViewSet):
    """The loaded methodology versions, read-only: key areas, modalities and their phases."""

    serializer_class = MethodologySerializer

    def get_queryset(self):
        return MethodologyVersion.objects.prefetch_related("key_areas", "modalities__phases").order_by(
            "code", "-loaded_at"
        )


class KeyAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Key areas of the current methodology version, or of `?methodology=<id>`."""

    serializer_class = KeyAreaSerializer
    lookup_field = "code"

    @extend_schema(parameters=[OpenApiParameter("methodology", OpenApiTypes.INT)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        methodology = self.request.query_params.get("methodology")
        if _is_id(methodology):
            return KeyArea.objects.filter(methodology_id=methodology).order_by("order")
        # A subquery, not a fetched row: the schema generator builds this without a database.
        return KeyArea.objects.filter(methodology_id=Subquery(selectors.current_methodology_id())).order_by(
            "order"
        )
