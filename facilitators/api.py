"""REST API for facilitator certification, the public roster and certificate verification.

Views validate input and call the same services and selectors as the web pages.
"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from config.schema import error_responses
from config.throttle import TokenLookupThrottle
from facilitators import selectors, services, workflow
from facilitators.models import (
    Certification,
    CertificationState,
    CertificationTransition,
    CommitteeDecision,
    CommunityContribution,
    Evaluation,
    FacilitatorProfile,
    PortfolioDocument,
    PracticeRecord,
    PracticeRole,
    TrainingResult,
)

User = get_user_model()


class PublicThrottle(AnonRateThrottle):
    """Anyone may ask, but not by the thousand: codes are unguessable, lists are not for scraping."""

    rate = "120/minute"


# Certificate codes are public: guessing them is slowed down; a valid code is never refused for it.
CERTIFICATE_CODES = TokenLookupThrottle("certificate-code")


# Workflow ------------------------------------------------------------------------------------------


class CertificationGuardCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()


class CertificationTransitionOptionSerializer(serializers.Serializer):
    action = serializers.CharField()
    target = serializers.CharField()
    label = serializers.CharField()
    allowed = serializers.BooleanField()
    permitted = serializers.BooleanField()
    needs_reason = serializers.BooleanField()
    checks = CertificationGuardCheckSerializer(many=True)
    blocking = CertificationGuardCheckSerializer(many=True)


class CertificationTransitionRequestSerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=20, help_text="The state to move to: " + ", ".join(CertificationState.values)
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CertificationTransitionRecordSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CertificationTransition
        fields = ["id", "action", "from_state", "to_state", "actor", "at", "comment"]


# Profiles and certifications -------------------------------------------------------------------------


class FacilitatorProfileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = FacilitatorProfile
        fields = [
            "id",
            "username",
            "name",
            "email",
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
        read_only_fields = ["id"]


class PortfolioDocumentSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.code", read_only=True)
    requirement_name = serializers.CharField(source="requirement.name", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = PortfolioDocument
        fields = [
            "id",
            "requirement",
            "requirement_name",
            "note",
            "has_file",
            "status",
            "submitted_on",
            "reviewed_on",
            "review_comment",
        ]

    def get_has_file(self, document) -> bool:
        return bool(document.file)


class PortfolioSubmitSerializer(serializers.Serializer):
    requirement = serializers.CharField(max_length=40)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False)


class DocumentReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingResultSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.code")
    passed = serializers.BooleanField(read_only=True)

    class Meta:
        model = TrainingResult
        fields = ["id", "component", "hours_attended", "score", "completed_on", "note", "passed"]
        extra_kwargs = {"completed_on": {"required": False}}


class EvaluationScoreSerializer(serializers.Serializer):
    competence = serializers.CharField(source="competence.code")
    score = serializers.IntegerField()
    comment = serializers.CharField()


class EvaluationSerializer(serializers.ModelSerializer):
    evaluator = serializers.CharField(source="evaluator.__str__")
    scores = EvaluationScoreSerializer(many=True)

    class Meta:
        model = Evaluation
        fields = ["id", "evaluator", "satisfactory", "evaluated_on", "comments", "scores"]


class EvaluationRequestSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(), help_text="competence: score")
    comments = serializers.CharField()
    score_comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


# Plain strings, not an enum: the audits API names its own (larger) set of roles "role" too.
ROLE_HELP = "One of: " + ", ".join(PracticeRole.values)


class PracticeRecordSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True, help_text=ROLE_HELP)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.__str__", read_only=True)
    supervisor = serializers.CharField(
        source="supervisor.username", read_only=True, default=None, allow_null=True
    )
    evaluation = serializers.SerializerMethodField()

    class Meta:
        model = PracticeRecord
        fields = [
            "id",
            "username",
            "name",
            "audit_reference",
            "audit_title",
            "modality_code",
            "role",
            "started_on",
            "ended_on",
            "supervisor",
            "source",
            "evaluation",
        ]

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, record):
        evaluation = getattr(record, "evaluation", None)
        return EvaluationSerializer(evaluation).data if evaluation else None


class PracticeRecordCreateSerializer(serializers.Serializer):
    username = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    audit_title = serializers.CharField(max_length=200)
    modality_code = serializers.SlugField(max_length=40)
    role = serializers.CharField(max_length=24, help_text=ROLE_HELP)
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    supervisor = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )


class ContributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommunityContribution
        fields = ["id", "kind", "title", "description", "contributed_on"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeDecision
        fields = [
            "id",
            "review_round",
            "decision",
            "reasons",
            "committee_members",
            "decided_on",
            "evidence",
        ]
        read_only_fields = ["id", "review_round", "evidence"]
        extra_kwargs = {"decided_on": {"required": False}}


class CertificateSerializer(serializers.Serializer):
    code = serializers.CharField(source="display_code")
    kind = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class CertificationSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="facilitator.user.username", read_only=True)
    name = serializers.CharField(source="facilitator.display_name", read_only=True)
    programme = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    effective_state = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = [
            "id",
            "username",
            "name",
            "programme",
            "applicant_type",
            "state",
            "state_label",
            "effective_state",
            "applied_on",
            "admitted_on",
            "trained_on",
            "submitted_on",
            "certified_on",
            "renewed_on",
            "expires_on",
            "suspension_reason",
            "withdrawal_reason",
            "next_step",
        ]

    def get_programme(self, certification) -> str:
        return f"{certification.programme.code} {certification.programme.version}"

    def get_effective_state(self, certification) -> str:
        return workflow.effective_state(certification)

    @extend_schema_field(CertificationTransitionOptionSerializer(allow_null=True))
    def get_next_step(self, certification):
        option = workflow.next_step(certification)
        return CertificationTransitionOptionSerializer(option).data if option else None


class CertificationDetailSerializer(CertificationSerializer):
    transitions = serializers.SerializerMethodField()
    portfolio = PortfolioDocumentSerializer(source="portfolio_documents", many=True)
    training = TrainingResultSerializer(source="training_results", many=True)
    practice = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True)
    certificates = CertificateSerializer(many=True)

    class Meta(CertificationSerializer.Meta):
        fields = [
            *CertificationSerializer.Meta.fields,
            "transitions",
            "portfolio",
            "training",
            "practice",
            "decisions",
            "certificates",
        ]

    @extend_schema_field(CertificationTransitionOptionSerializer(many=True))
    def get_transitions(self, certification):
        permitted = selectors.is_certification_staff(self.context["request"].user)
        options = workflow.transition_options(certification, permitted=permitted)
        return CertificationTransitionOptionSerializer(options, many=True).data

    @extend_schema_field(PracticeRecordSerializer(many=True))
    def get_practice(self, certification):
        records = certification.facilitator.user.practice_records.all()
        return PracticeRecordSerializer(records, many=True).data


class ApplySerializer(serializers.Serializer):
    applicant_type = serializers.CharField(max_length=40)
    username = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        help_text="Certification staff open applications for others; leave out to apply yourself.",
    )


# Public ------------------------------------------------------------------------------------------


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "expired", "suspended", "withdrawn"])
    status_label = serializers.CharField()
    holder = serializers.CharField(
        allow_null=True, help_text="Shown only when the holder agreed to be on the public roster."
    )
    programme = serializers.CharField()
    programme_code = serializers.CharField()
    programme_version = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class RosterEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    regions = serializers.ListField(child=serializers.CharField())
    expertise = serializers.ListField(child=serializers.CharField())
    contact = serializers.CharField()
    certified_until = serializers.DateField()


# Views -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Facilitator profiles (certification staff see all, others their own)"),
    retrieve=extend_schema(summary="One facilitator profile"),
)
class FacilitatorProfileViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FacilitatorProfileSerializer

    def get_queryset(self):
        return selectors.profiles_for(self.request.user)

    @extend_schema(
        summary="Your own profile and publication consent",
        responses={200: FacilitatorProfileSerializer, **error_responses(404)},
    )
    @action(detail=False, methods=["get"])
    def me(self, request):
        profile = FacilitatorProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise NotFound("You have no facilitator profile yet.")
        return Response(FacilitatorProfileSerializer(profile).data)

    @extend_schema(
        summary="Change your profile and what the public roster may show",
        request=FacilitatorProfileSerializer,
        responses=FacilitatorProfileSerializer,
    )
    @me.mapping.patch
    def update_me(self, request):
        payload = FacilitatorProfileSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        profile = services.profile_update(actor=request.user, user=request.user, **payload.validated_data)
        return Response(FacilitatorProfileSerializer(profile).data)


@extend_schema_view(
    list=extend_schema(
        summary="Certifications you can see, with the next step and what blocks it",
        parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=CertificationState.values)],
    ),
    retrieve=extend_schema(
        summary="A certification with its records, its transitions and their failing guards"
    ),
    create=extend_schema(
        summary="Apply (or, for certification staff, open an application for someone)",
        request=ApplySerializer,
        responses={201: CertificationSerializer},
    ),
)
class CertificationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    def get_serializer_class(self):
        if self.action == "retrieve":
            return CertificationDetailSerializer
        if self.action == "create":
            return ApplySerializer
        return CertificationSerializer

    def get_queryset(self):
        certifications = selectors.certifications_for(self.request.user).order_by("pk")
        state = self.request.query_params.get("state")
        if state and "\x00" in state:
            return certifications.none()  # no state holds a NUL byte, and PostgreSQL refuses one in a query
        if state:
            certifications = certifications.filter(state=state)
        return certifications

    def get_object(self):
        return selectors.certification_get(self.request.user, self.kwargs["pk"])

    def create(self, request):
        payload = ApplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        certification = services.certification_apply(
            actor=request.user,
            user=payload.validated_data.get("username") or request.user,
            applicant_type=payload.validated_data["applicant_type"],
        )
        certification = selectors.certification_get(request.user, certification.pk)
        return Response(CertificationSerializer(certification).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Moves open now, with every guard's result and message",
        responses=CertificationTransitionOptionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request, pk=None):
        certification = self.get_object()
        options = workflow.transition_options(
            certification, permitted=selectors.is_certification_staff(request.user)
        )
        return Response(CertificationTransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        summary="Perform a move (name its target state; suspend and withdraw need a reason)",
        request=CertificationTransitionRequestSerializer,
        responses={201: CertificationTransitionRecordSerializer},
    )
    @transitions.mapping.post
    def perform_transition(self, request, pk=None):
        payload = CertificationTransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = services.certification_transition(
            actor=request.user, certification_id=pk, **payload.validated_data
        )
        return Response(CertificationTransitionRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The certification's history", responses=CertificationTransitionRecordSerializer(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        certification = self.get_object()
        return Response(
            CertificationTransitionRecordSerializer(selectors.history_of(certification), many=True).data
        )

    @extend_schema(
        summary="Submit (or replace) a portfolio document",
        request={
            "multipart/form-data": PortfolioSubmitSerializer,
            "application/json": PortfolioSubmitSerializer,
        },
        responses={201: PortfolioDocumentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def portfolio(self, request, pk=None):
        payload = PortfolioSubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.portfolio_document_submit(
            actor=request.user,
            certification_id=self.get_object().pk,
            requirement_code=payload.validated_data["requirement"],
            file=payload.validated_data.get("file"),
            note=payload.validated_data["note"],
        )
        return Response(PortfolioDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a training result (certification staff)",
        request=TrainingResultSerializer,
        responses={201: TrainingResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="training-results")
    def training_results(self, request, pk=None):
        payload = TrainingResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        result = services.training_result_record(
            actor=request.user,
            certification_id=self.get_object().pk,
            component_code=data["component"]["code"],
            hours_attended=data.get("hours_attended"),
            score=data.get("score"),
            completed_on=data.get("completed_on"),
            note=data.get("note", ""),
        )
        return Response(TrainingResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The committee's decisions", responses=DecisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def decisions(self, request, pk=None):
        certification = self.get_object()
        return Response(DecisionSerializer(certification.decisions.all(), many=True).data)

    @extend_schema(
        summary="Record the committee's decision (certify, more practice, reject) and act on it",
        request=DecisionSerializer,
        responses={201: DecisionSerializer},
    )
    @decisions.mapping.post
    def record_decision(self, request, pk=None):
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = services.decision_record(
            actor=request.user, certification_id=self.get_object().pk, **payload.validated_data
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a contribution to the community of practice (certification staff)",
        request=ContributionSerializer,
        responses={201: ContributionSerializer},
    )
    @action(detail=True, methods=["post"])
    def contributions(self, request, pk=None):
        payload = ContributionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contribution = services.contribution_record(
            actor=request.user,
            user=self.get_object().facilitator.user,
            **payload.validated_data,
        )
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)


class DocumentReviewView(generics.GenericAPIView):
    """Accept a portfolio document, or reject it with a reason (certification staff)."""

    serializer_class = DocumentReviewSerializer

    @extend_schema(request=DocumentReviewSerializer, responses=PortfolioDocumentSerializer)
    def post(self, request, pk):
        if not selectors.is_certification_staff(request.user):
            raise NotFound()
        get_object_or_404(PortfolioDocument, pk=pk)
        payload = DocumentReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.portfolio_document_review(
            actor=request.user, document_id=pk, **payload.validated_data
        )
        return Response(PortfolioDocumentSerializer(document).data)


@extend_schema_view(
    list=extend_schema(summary="Practice you did or supervised (certification staff: all)"),
    create=extend_schema(
        summary="Record practice on an audit run outside this system (certification staff)",
        request=PracticeRecordCreateSerializer,
        responses={201: PracticeRecordSerializer},
    ),
)
class PracticeRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PracticeRecordSerializer

    def get_queryset(self):
        return selectors.practice_records_for(self.request.user).order_by("pk")

    def get_object(self):
        return selectors.practice_record_get(self.request.user, self.kwargs["pk"])

    def create(self, request):
        payload = PracticeRecordCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        record = services.practice_record_add(actor=request.user, user=data.pop("username"), **data)
        return Response(PracticeRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Evaluate this practice on the programme's competences (its supervisor only)",
        request=EvaluationRequestSerializer,
        responses={201: EvaluationSerializer},
    )
    @action(detail=True, methods=["post"])
    def evaluation(self, request, pk=None):
        payload = EvaluationRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evaluation = services.evaluation_record(
            actor=request.user, record_id=self.get_object().pk, **payload.validated_data
        )
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class CertificateVerifyView(generics.GenericAPIView):
    """Anyone can check a certificate code; the answer holds no private data."""

    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    serializer_class = VerificationSerializer

    @extend_schema(
        summary="Check a certificate's verification code (public)",
        responses={200: VerificationSerializer, **error_responses(429)},
    )
    def get(self, request, code):
        result = selectors.certificate_verify(code)
        if result is None:
            if CERTIFICATE_CODES.refuse_unknown(request):
                raise CERTIFICATE_CODES.api_error()
            raise NotFound("No certificate has this code.")
        return Response(VerificationSerializer(result).data)


@extend_schema_view(
    get=extend_schema(
        summary="Certified facilitators who agreed to be listed (public)",
        parameters=[
            OpenApiParameter("language", OpenApiTypes.STR),
            OpenApiParameter("region", OpenApiTypes.STR),
            OpenApiParameter("expertise", OpenApiTypes.STR),
        ],
    )
)
class RosterView(generics.ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    serializer_class = RosterEntrySerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.roster(
            language=params.get("language", "")[:60],
            region=params.get("region", "")[:60],
            expertise=params.get("expertise", "")[:60],
        )
