from django.urls import path

from audits.roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("audits/<int:pk>/roadmap/", views.roadmap_page, name="roadmap"),
    path(
        "audits/<int:pk>/roadmap/recommendations/", views.recommendation_create, name="recommendation-create"
    ),
    path(
        "audits/<int:pk>/roadmap/recommendations/<int:recommendation_pk>/",
        views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "audits/<int:pk>/roadmap/recommendations/<int:recommendation_pk>/delete/",
        views.recommendation_delete,
        name="recommendation-delete",
    ),
    path("audits/<int:pk>/roadmap/actions/new/", views.action_create, name="action-create"),
    path("audits/<int:pk>/roadmap/actions/<int:action_pk>/", views.action_edit, name="action-edit"),
    path(
        "audits/<int:pk>/roadmap/actions/<int:action_pk>/delete/", views.action_delete, name="action-delete"
    ),
    path("audits/<int:pk>/roadmap/library/", views.library, name="library"),
    path("audits/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("audits/<int:pk>/feedback/share/", views.feedback_share, name="feedback-share"),
    path("audits/<int:pk>/feedback/comments/", views.comment_add, name="comment-add"),
    path(
        "audits/<int:pk>/feedback/comments/<int:comment_pk>/resolve/",
        views.comment_resolve,
        name="comment-resolve",
    ),
    path("audits/<int:pk>/follow-up/", views.follow_up, name="follow-up"),
    path("audits/<int:pk>/follow-up/actions/<int:action_pk>/", views.action_progress, name="action-progress"),
    path("audits/<int:pk>/baseline/", views.baseline, name="baseline"),
]
