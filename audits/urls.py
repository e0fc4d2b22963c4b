from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audits/new/", views.audit_create, name="create"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("audits/<int:pk>/", views.audit_detail, name="detail"),
    path("audits/<int:pk>/edit/", views.audit_edit, name="edit"),
    path("audits/<int:pk>/transition/", views.audit_transition, name="transition"),
    path("audits/<int:pk>/team/", views.team, name="team"),
    path("audits/<int:pk>/team/<int:member_pk>/role/", views.team_member_role, name="team-role"),
    path("audits/<int:pk>/team/<int:member_pk>/remove/", views.team_member_remove, name="team-remove"),
    path("audits/<int:pk>/key-areas/", views.key_areas, name="key-areas"),
]
