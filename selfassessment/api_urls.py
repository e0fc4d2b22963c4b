from django.urls import path

from selfassessment import api

urlpatterns = [
    path("geosa/<int:pk>/", api.GeosaStateView.as_view(), name="geosa-state"),
    path("geosa/<int:pk>/ratings/<str:code>/", api.RatingView.as_view(), name="geosa-rating"),
    path("geosa/<int:pk>/ratings/<str:code>/comments/", api.CommentView.as_view(), name="geosa-comment"),
    path(
        "geosa/<int:pk>/comments/<int:comment_pk>/answer/",
        api.CommentAnswerView.as_view(),
        name="geosa-comment-answer",
    ),
    path("geosa/<int:pk>/adviser-requests/", api.AdviserRequestView.as_view(), name="geosa-adviser-request"),
    path(
        "geosa/adviser-requests/<int:request_pk>/answer/",
        api.AdviserAnswerView.as_view(),
        name="geosa-adviser-answer",
    ),
]
