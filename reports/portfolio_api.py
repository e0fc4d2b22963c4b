"""REST API for the portfolio dashboards (programme managers): the same selectors as the pages.

A figure about people is {"value": ..., "suppressed": bool}; a hidden one has a null value.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import CellSerializer
from reports import portfolio

MAX_HORIZON_DAYS = 730


class PortfolioPhaseCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class PortfolioModalityPhasesSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    phases = PortfolioPhaseCountSerializer(many=True)
    on_hold = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    total = serializers.IntegerField()


class PortfolioGroupScoresSerializer(serializers.Serializer):
    key_area = serializers.CharField()
    overall = CellSerializer()
    woman = CellSerializer()
    man = CellSerializer()
    not_stated = CellSerializer(help_text="Another identity, or not stated.")


class PortfolioRegionSerializer(serializers.Serializer):
    region = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    surveys = serializers.IntegerField()
    respondents = CellSerializer()
    scores = PortfolioGroupScoresSerializer(many=True)


class PortfolioKeyAreaNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PortfolioRegionScoresSerializer(serializers.Serializer):
    min_group_size = serializers.IntegerField()
    surveys = serializers.IntegerField(help_text="Closed surveys counted; open surveys are not.")
    surveys_waiting = serializers.IntegerField(
        help_text="Closed surveys not counted yet: their scores have not been computed."
    )
    key_areas = PortfolioKeyAreaNameSerializer(many=True)
    regions = PortfolioRegionSerializer(many=True)


class PortfolioExpirySerializer(serializers.Serializer):
    facilitator = serializers.CharField()
    programme = serializers.CharField()
    state = serializers.CharField()
    expires_on = serializers.DateField()
    days_left = serializers.IntegerField()


def region_scores_data(scores: portfolio.RegionScores) -> dict:
    return {
        "min_group_size": scores.k,
        "surveys": scores.surveys,
        "surveys_waiting": scores.waiting,
        "key_areas": [{"code": code, "name": name} for code, name in scores.key_areas],
        "regions": [
            {
                "region": row.region,
                "label": row.label,
                "surveys": row.surveys,
                "respondents": row.respondents.to_api(),
                "scores": [
                    {"key_area": code, "overall": stats.overall.to_api()}
                    | {group: stats.groups[group].to_api() for group in portfolio.GENDER_GROUPS}
                    for code, stats in row.scores.items()
                ],
            }
            for row in scores.rows
        ],
    }


class PhaseCountsView(APIView):
    @extend_schema(
        summary="Audits by modality and phase (programme managers)",
        responses=PortfolioModalityPhasesSerializer(many=True),
    )
    def get(self, request):
        portfolio.require_portfolio(request.user)
        return Response(PortfolioModalityPhasesSerializer(portfolio.phase_counts(), many=True).data)


class RegionScoresView(APIView):
    @extend_schema(
        summary="Survey scores per key area and region, by gender (programme managers)",
        responses=PortfolioRegionScoresSerializer,
    )
    def get(self, request):
        portfolio.require_portfolio(request.user)
        return Response(region_scores_data(portfolio.key_area_scores_by_region()))


class PortfolioHorizonSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=MAX_HORIZON_DAYS, default=portfolio.EXPIRY_HORIZON_DAYS
    )


class ExpiringView(APIView):
    @extend_schema(
        summary="Certifications expiring in the next N days (programme managers)",
        parameters=[OpenApiParameter("days", int, description="Horizon in days (default 90).")],
        responses=PortfolioExpirySerializer(many=True),
    )
    def get(self, request):
        portfolio.require_portfolio(request.user)
        query = PortfolioHorizonSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        expiring = portfolio.expiring_certifications(days=query.validated_data["days"])
        return Response(PortfolioExpirySerializer(expiring, many=True).data)
