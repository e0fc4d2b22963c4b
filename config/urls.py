from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("audits.api_urls")),
    path("api/", include("facilitators.api_urls")),
    path("api/", include("audits.surveys.api_urls")),
    path("api/", include("audits.evidence.api_urls")),
    path("api/", include("audits.roadmap.api_urls")),
    path("api/", include("reports.api_urls")),
    path("api/", include("selfassessment.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("certification/", include("facilitators.urls")),
    path("", include("audits.surveys.urls")),
    path("", include("audits.evidence.urls")),
    path("", include("audits.roadmap.urls")),
    path("", include("reports.urls")),
    path("", include("selfassessment.urls")),
    path("", include("audits.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
