from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import SignInForm

# Swagger UI's page carries one small <style> block; its script is served apart (the split view).
API_DOCS_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
handler400 = "config.limits.bad_request"

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
    path(
        "api/docs/",
        csp_override(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
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
