"""REST API for recommendations, roadmap actions, feedback comments, follow-up and the baseline.

Views validate input and call the same services and selectors as the pages, so a rule lives once.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.roadmap import selectors, services
from audits.roadmap.models import (
    Action,
    ActionStatus,
    ActionTemplate,
    ActionUpdate,
    CommentKind,
    FeedbackComment,
    Priority,
    Recommendation,
)
from audits.selectors import audit_get
from config.api import named_choice_field
from config.errors import Forbidden
from config.i18n import translated

ActionStatusField = named_choice_field("ActionStatus", ActionStatus.choices)
PriorityField = named_choice_field("ActionPriority", Priority.choices)
CommentKindField = named_choice_field("CommentKind", CommentKind.choices)


class RecommendationSerializer(serializers.ModelSerializer):
    key_area = serializers.CharField(source="key_area.code", read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = ["id", "key_area", "text", "order", "findings", "actions", "created_at", "updated_at"]
        read_only_fields = fields

    def get_actions(self, recommendation: Recommendation) -> int:
        return getattr(recommendation, "action_count", 0)


class RecommendationWriteSerializer(serializers.Serializer):
    key_area = serializers.CharField(max_length=10)
    text = serializers.CharField()
    findings = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class RecommendationUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(required=False)
    findings = serializers.ListField(child=serializers.IntegerField(), required=False)


class ActionSerializer(serializers.ModelSerializer):
    key_area = serializers.CharField(source="recommendation.key_area.code", read_only=True)
    status = ActionStatusField(read_only=True)
    priority = PriorityField(read_only=True)
    template = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "recommendation",
            "key_area",
            "template",
            "title",
            "description",
            "owner",
            "start",
            "end",
            "priority",
            "indicator",
            "unit",
            "baseline",
            "target",
            "current",
            "status",
            "drop_reason",
            "order",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionWriteSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField()
    title = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=200)
    start = serializers.DateField()
    end = serializers.DateField()
    indicator = serializers.CharField(max_length=300)
    priority = PriorityField(default=Priority.MEDIUM)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class ActionFromTemplateSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField()
    template = serializers.SlugField(help_text="The code of a typical action of the library.")
    start = serializers.DateField(required=False)


class ActionUpdateSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=300, required=False)
    owner = serializers.CharField(max_length=200, required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    indicator = serializers.CharField(max_length=300, required=False)
    priority = PriorityField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    status = ActionStatusField(required=False)
    drop_reason = serializers.CharField(required=False, allow_blank=True)


class ProgressSerializer(serializers.Serializer):
    status = ActionStatusField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    drop_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ActionUpdateRecordSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    status = ActionStatusField(read_only=True)

    class Meta:
        model = ActionUpdate
        fields = ["id", "action", "status", "value", "note", "actor", "recorded_at"]
        read_only_fields = fields


class ActionTemplateSerializer(serializers.ModelSerializer):
    key_area = serializers.CharField(source="key_area.code", read_only=True)
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    indicator = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()

    class Meta:
        model = ActionTemplate
        fields = ["code", "key_area", "title", "description", "indicator", "unit", "owner", "months"]
        read_only_fields = fields

    def get_title(self, template: ActionTemplate) -> str:
        return translated(template.title)

    def get_description(self, template: ActionTemplate) -> str:
        return translated(template.description)

    def get_indicator(self, template: ActionTemplate) -> str:
        return translated(template.indicator)

    def get_owner(self, template: ActionTemplate) -> str:
        return translated(template.owner)


class CommentSerializer(serializers.ModelSerializer):
    kind = CommentKindField(read_only=True)
    author = serializers.CharField(source="author.username", default=None, read_only=True, allow_null=True)
    resolved_by = serializers.CharField(
        source="resolved_by.username", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = FeedbackComment
        fields = [
            "id",
            "finding",
            "recommendation",
            "kind",
            "text",
            "author",
            "created_at",
            "resolution",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class CommentWriteSerializer(serializers.Serializer):
    finding = serializers.IntegerField(required=False, allow_null=True)
    recommendation = serializers.IntegerField(required=False, allow_null=True)
    kind = CommentKindField(default=CommentKind.COMMENT)
    text = serializers.CharField()


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()


class BaselineSerializer(serializers.Serializer):
    baseline = serializers.IntegerField(allow_null=True, help_text="The id of an earlier audit, or null.")


def _editable(user, audit_pk):
    audit = selectors.roadmap_audit_get(user, audit_pk)
    if not selectors.can_edit(user, audit):
        raise Forbidden(_("Only the facilitation team and the people steering the audit change the roadmap."))
    return audit


class RecommendationListView(APIView):
    @extend_schema(summary="The audit's recommendations", responses=RecommendationSerializer(many=True))
    def get(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(RecommendationSerializer(selectors.recommendations_of(audit), many=True).data)

    @extend_schema(
        summary="Add a recommendation",
        request=RecommendationWriteSerializer,
        responses={201: RecommendationSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = RecommendationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        recommendation = services.recommendation_create(
            actor=request.user, audit=audit, **payload.validated_data
        )
        return Response(
            RecommendationSerializer(selectors.recommendation_get(audit, recommendation.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class RecommendationDetailView(APIView):
    @extend_schema(summary="A recommendation", responses=RecommendationSerializer)
    def get(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(RecommendationSerializer(selectors.recommendation_get(audit, pk)).data)

    @extend_schema(
        summary="Change a recommendation",
        request=RecommendationUpdateSerializer,
        responses=RecommendationSerializer,
    )
    def patch(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = RecommendationUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.recommendation_update(
            actor=request.user,
            recommendation=selectors.recommendation_get(audit, pk),
            **payload.validated_data,
        )
        return Response(RecommendationSerializer(selectors.recommendation_get(audit, pk)).data)

    @extend_schema(
        summary="Delete a recommendation (none of the roadmap's actions may serve it)", responses={204: None}
    )
    def delete(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        services.recommendation_delete(
            actor=request.user, recommendation=selectors.recommendation_get(audit, pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActionListView(APIView):
    @extend_schema(summary="The roadmap's actions", responses=ActionSerializer(many=True))
    def get(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(
            ActionSerializer(selectors.actions_of(audit).select_related("template"), many=True).data
        )

    @extend_schema(summary="Add an action", request=ActionWriteSerializer, responses={201: ActionSerializer})
    def post(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = ActionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action = services.action_create(actor=request.user, audit=audit, **payload.validated_data)
        return Response(
            ActionSerializer(selectors.action_get(audit, action.pk)).data, status=status.HTTP_201_CREATED
        )


class ActionFromTemplateView(APIView):
    @extend_schema(
        summary="Adopt a typical action of the library",
        request=ActionFromTemplateSerializer,
        responses={201: ActionSerializer},
    )
    def post(self, request, audit_pk):
        audit = _editable(request.user, audit_pk)
        payload = ActionFromTemplateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        template = get_object_or_404(
            selectors.action_templates(audit), code=payload.validated_data["template"]
        )
        action = services.action_from_template(
            actor=request.user,
            audit=audit,
            recommendation=payload.validated_data["recommendation"],
            template=template,
            start=payload.validated_data.get("start"),
        )
        return Response(
            ActionSerializer(selectors.action_get(audit, action.pk)).data, status=status.HTTP_201_CREATED
        )


class ActionDetailView(APIView):
    @extend_schema(summary="An action", responses=ActionSerializer)
    def get(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(ActionSerializer(selectors.action_get(audit, pk)).data)

    @extend_schema(summary="Change an action", request=ActionUpdateSerializer, responses=ActionSerializer)
    def patch(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = ActionUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.action_update(
            actor=request.user, action=selectors.action_get(audit, pk), **payload.validated_data
        )
        return Response(ActionSerializer(selectors.action_get(audit, pk)).data)

    @extend_schema(summary="Delete an action", responses={204: None})
    def delete(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        services.action_delete(actor=request.user, action=selectors.action_get(audit, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActionProgressView(APIView):
    @extend_schema(summary="An action's follow-up history", responses=ActionUpdateRecordSerializer(many=True))
    def get(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(
            ActionUpdateRecordSerializer(
                selectors.updates_of(selectors.action_get(audit, pk)), many=True
            ).data
        )

    @extend_schema(
        summary="Record progress: status and the indicator's latest value (follow-up)",
        request=ProgressSerializer,
        responses={201: ActionUpdateRecordSerializer},
    )
    def post(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = ProgressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        update = services.action_progress(
            actor=request.user, action=selectors.action_get(audit, pk), **payload.validated_data
        )
        return Response(ActionUpdateRecordSerializer(update).data, status=status.HTTP_201_CREATED)


class ActionLibraryView(APIView):
    @extend_schema(
        summary="Typical actions of the audit's methodology library",
        responses=ActionTemplateSerializer(many=True),
    )
    def get(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(ActionTemplateSerializer(selectors.action_templates(audit), many=True).data)


class CommentListView(APIView):
    @extend_schema(
        summary="The organization's comments on the draft findings and recommendations",
        responses=CommentSerializer(many=True),
    )
    def get(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        return Response(CommentSerializer(selectors.comments_of(audit), many=True).data)

    @extend_schema(
        summary="Comment on one finding or recommendation (the coordinator, during feedback)",
        request=CommentWriteSerializer,
        responses={201: CommentSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = CommentWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        finding = get_object_or_404(audit.findings, pk=data["finding"]) if data.get("finding") else None
        recommendation = (
            get_object_or_404(audit.recommendations, pk=data["recommendation"])
            if data.get("recommendation")
            else None
        )
        comment = services.comment_add(
            actor=request.user,
            audit=audit,
            finding=finding,
            recommendation=recommendation,
            kind=data["kind"],
            text=data["text"],
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentResolveView(APIView):
    @extend_schema(
        summary="Resolve a comment, saying how", request=ResolveSerializer, responses=CommentSerializer
    )
    def post(self, request, audit_pk, pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = ResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = services.comment_resolve(
            actor=request.user, comment=selectors.comment_get(audit, pk), **payload.validated_data
        )
        return Response(CommentSerializer(comment).data)


class FeedbackShareView(APIView):
    @extend_schema(
        summary="Share the drafts with the organization's coordinator", request=None, responses={204: None}
    )
    def post(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        services.feedback_share(actor=request.user, audit=audit)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BaselineView(APIView):
    @extend_schema(summary="The audit's baseline audit (null when none)", responses=BaselineSerializer)
    def get(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        baseline = selectors.baseline_of(audit)
        return Response({"baseline": baseline.pk if baseline else None})

    @extend_schema(
        summary="Name an earlier audit of the same organization as the baseline (null removes it)",
        request=BaselineSerializer,
        responses=BaselineSerializer,
    )
    def put(self, request, audit_pk):
        audit = selectors.roadmap_audit_get(request.user, audit_pk)
        payload = BaselineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        chosen = payload.validated_data["baseline"]
        baseline = audit_get(request.user, chosen) if chosen is not None else None
        link = services.baseline_set(actor=request.user, audit=audit, baseline=baseline)
        return Response({"baseline": link.baseline_id if link else None})
