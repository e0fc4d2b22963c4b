"""REST API of the GEOSA path: its state, the adviser's request and answer, ratings and comments.

Views validate input and call the same services and selectors as the wizard, so a rule lives once.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.selectors import can_steer
from config.api import CellSerializer
from selfassessment import selectors, services
from selfassessment.models import AdviserComment, AdviserRequest, CommentKind, Rating, RequestStatus


@extend_schema_field({"type": "string", "enum": CommentKind.values}, component_name="GeosaCommentKind")
class CommentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=CommentKind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": RequestStatus.values}, component_name="GeosaRequestStatus")
class RequestStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=RequestStatus.choices, **kwargs)


class ComparisonSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    staff = serializers.SerializerMethodField()
    women = serializers.SerializerMethodField()
    men = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField()
    team_higher = serializers.BooleanField()
    team_lower = serializers.BooleanField()
    gender_differs = serializers.BooleanField()

    def _cell(self, figure):
        return figure.to_api() if figure is not None else None

    @extend_schema_field(CellSerializer(allow_null=True))
    def get_staff(self, item):
        return self._cell(item.staff)

    @extend_schema_field(CellSerializer(allow_null=True))
    def get_women(self, item):
        return self._cell(item.women)

    @extend_schema_field(CellSerializer(allow_null=True))
    def get_men(self, item):
        return self._cell(item.men)

    @extend_schema_field(CellSerializer(allow_null=True))
    def get_gap(self, item):
        return self._cell(item.gap)


class AdviserCommentSerializer(serializers.ModelSerializer):
    kind = CommentKindField(read_only=True)
    resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = AdviserComment
        fields = ["id", "kind", "text", "suggested_level", "created_at", "answer", "answered_at", "resolved"]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):
    key_area = serializers.CharField(source="key_area.code", read_only=True)
    comments = AdviserCommentSerializer(many=True, read_only=True)

    class Meta:
        model = Rating
        fields = ["key_area", "level", "justification", "evidence", "updated_at", "comments"]
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    adviser = serializers.CharField(source="adviser.username", read_only=True)
    status = RequestStatusField(read_only=True)

    class Meta:
        model = AdviserRequest
        fields = [
            "id",
            "adviser",
            "status",
            "message",
            "requested_at",
            "answered_at",
            "answer_note",
            "statement",
        ]
        read_only_fields = fields


class GeosaStateSerializer(serializers.Serializer):
    phase = serializers.CharField()
    can_steer = serializers.BooleanField()
    is_adviser = serializers.BooleanField()
    requests = RequestSerializer(many=True)
    ratings = RatingSerializer(many=True)
    comparison = ComparisonSerializer(many=True)


class RatingInput(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=5)
    justification = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class AdviserRequestInput(serializers.Serializer):
    adviser = serializers.CharField(help_text="Username or e-mail of a certified facilitator.")
    message = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerRequestInput(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommentInput(serializers.Serializer):
    kind = CommentKindField()
    text = serializers.CharField(required=False, allow_blank=True, default="")
    suggested_level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)


class CommentAnswerInput(serializers.Serializer):
    answer = serializers.CharField()
    new_level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class GeosaStateView(APIView):
    @extend_schema(
        responses=GeosaStateSerializer, summary="The self-assessment's state, ratings and mismatch flags"
    )
    def get(self, request, pk):
        audit = selectors.geosa_get(request.user, pk)
        ratings = selectors.ratings_of(audit)
        state = {
            "phase": audit.phase,
            "can_steer": can_steer(request.user, audit),
            "is_adviser": selectors.is_adviser(request.user, audit),
            "requests": selectors.requests_of(audit),
            "ratings": ratings,
            "comparison": selectors.survey_comparison(audit, ratings),
        }
        return Response(GeosaStateSerializer(state).data)


class RatingView(APIView):
    @extend_schema(request=RatingInput, responses=RatingSerializer, summary="Rate a chosen key area")
    def put(self, request, pk, code):
        audit = selectors.geosa_get(request.user, pk)
        rating = services.rating_save(
            actor=request.user, audit=audit, key_area=code, **_valid(RatingInput, request.data)
        )
        return Response(RatingSerializer(rating).data)


class AdviserRequestView(APIView):
    @extend_schema(
        request=AdviserRequestInput, responses={201: RequestSerializer}, summary="Ask for a technical adviser"
    )
    def post(self, request, pk):
        audit = selectors.geosa_get(request.user, pk)
        sent = services.adviser_request(
            actor=request.user, audit=audit, **_valid(AdviserRequestInput, request.data)
        )
        return Response(RequestSerializer(sent).data, status=status.HTTP_201_CREATED)


class AdviserAnswerView(APIView):
    @extend_schema(
        request=AnswerRequestInput, responses=RequestSerializer, summary="Accept or decline a request"
    )
    def post(self, request, request_pk):
        pending = selectors.pending_request_get(request.user, request_pk)
        answered = services.adviser_respond(
            actor=request.user, request=pending, **_valid(AnswerRequestInput, request.data)
        )
        return Response(RequestSerializer(answered).data)


class CommentView(APIView):
    @extend_schema(
        request=CommentInput,
        responses={201: AdviserCommentSerializer},
        summary="The adviser comments on a rating",
    )
    def post(self, request, pk, code):
        audit = selectors.geosa_get(request.user, pk)
        rating = selectors.rating_get(audit, code)
        comment = services.comment_add(
            actor=request.user, rating=rating, **_valid(CommentInput, request.data)
        )
        return Response(AdviserCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentAnswerView(APIView):
    @extend_schema(
        request=CommentAnswerInput, responses=AdviserCommentSerializer, summary="The team answers a comment"
    )
    def post(self, request, pk, comment_pk):
        audit = selectors.geosa_get(request.user, pk)
        comment = selectors.comment_get(audit, comment_pk)
        answered = services.comment_answer(
            actor=request.user, comment=comment, **_valid(CommentAnswerInput, request.data)
        )
        return Response(AdviserCommentSerializer(answered).data)
