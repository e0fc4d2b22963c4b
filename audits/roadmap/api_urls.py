from django.urls import path

from audits.roadmap import api

urlpatterns = [
    path(
        "audits/<int:audit_pk>/recommendations/",
        api.RecommendationListView.as_view(),
        name="roadmap-recommendations",
    ),
    path(
        "audits/<int:audit_pk>/recommendations/<int:pk>/",
        api.RecommendationDetailView.as_view(),
        name="roadmap-recommendation",
    ),
    path("audits/<int:audit_pk>/actions/", api.ActionListView.as_view(), name="roadmap-actions"),
    path(
        "audits/<int:audit_pk>/actions/from-library/",
        api.ActionFromTemplateView.as_view(),
        name="roadmap-adopt",
    ),
    path("audits/<int:audit_pk>/actions/<int:pk>/", api.ActionDetailView.as_view(), name="roadmap-action"),
    path(
        "audits/<int:audit_pk>/actions/<int:pk>/progress/",
        api.ActionProgressView.as_view(),
        name="roadmap-progress",
    ),
    path("audits/<int:audit_pk>/action-library/", api.ActionLibraryView.as_view(), name="roadmap-library"),
    path("audits/<int:audit_pk>/feedback/comments/", api.CommentListView.as_view(), name="roadmap-comments"),
    path(
        "audits/<int:audit_pk>/feedback/comments/<int:pk>/resolve/",
        api.CommentResolveView.as_view(),
        name="roadmap-comment-resolve",
    ),
    path("audits/<int:audit_pk>/feedback/share/", api.FeedbackShareView.as_view(), name="roadmap-share"),
    path("audits/<int:audit_pk>/baseline/", api.BaselineView.as_view(), name="roadmap-baseline"),
]
