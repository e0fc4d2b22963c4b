from django.urls import path

from selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("geosa/requests/", views.adviser_requests, name="requests"),
    path("geosa/requests/<int:request_pk>/answer/", views.adviser_respond, name="respond"),
    path("geosa/<int:pk>/", views.wizard, name="wizard"),
    path("geosa/<int:pk>/advance/", views.advance, name="advance"),
    path("geosa/<int:pk>/adviser/", views.adviser_request, name="adviser-request"),
    path("geosa/<int:pk>/adviser/statement/", views.statement, name="statement"),
    path("geosa/<int:pk>/team/", views.team_add, name="team-add"),
    path("geosa/<int:pk>/team/<int:member_pk>/trained/", views.team_trained, name="team-trained"),
    path("geosa/<int:pk>/ratings/<str:code>/", views.rating_save, name="rating"),
    path("geosa/<int:pk>/ratings/<str:code>/comments/", views.comment_add, name="comment-add"),
    path("geosa/<int:pk>/comments/<int:comment_pk>/answer/", views.comment_answer, name="comment-answer"),
    path("geosa/<int:pk>/plan/adopt/", views.suggestion_adopt, name="adopt"),
]
