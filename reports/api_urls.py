from django.urls import path, re_path

from reports import api, portfolio_api

app_name = "reports-api"
urlpatterns = [
    path("portfolio/phases/", portfolio_api.PhaseCountsView.as_view(), name="portfolio-phases"),
    path("portfolio/regions/", portfolio_api.RegionScoresView.as_view(), name="portfolio-regions"),
    path("portfolio/certifications/", portfolio_api.ExpiringView.as_view(), name="portfolio-expiring"),
    path("audits/<int:audit_pk>/report/", api.ReportStateView.as_view(), name="state"),
    path("audits/<int:audit_pk>/report/renders/", api.RenderListView.as_view(), name="renders"),
    path(
        "audits/<int:audit_pk>/report/renders/<int:render_pk>/", api.RenderDetailView.as_view(), name="render"
    ),
    path(
        "audits/<int:audit_pk>/report/renders/<int:render_pk>/retry/",
        api.RenderRetryView.as_view(),
        name="render-retry",
    ),
    path(
        "audits/<int:audit_pk>/report/renders/<int:render_pk>/pdf/",
        api.RenderPdfView.as_view(),
        name="render-pdf",
    ),
    path("audits/<int:audit_pk>/report/issue/", api.ReportIssueView.as_view(), name="issue"),
    path("audits/<int:audit_pk>/report/snapshots/", api.SnapshotListView.as_view(), name="snapshots"),
    path(
        "audits/<int:audit_pk>/report/snapshots/<int:version>/pdf/",
        api.SnapshotPdfView.as_view(),
        name="snapshot-pdf",
    ),
    re_path(
        r"^audits/(?P<audit_pk>[0-9]+)/exports/(?P<name>roadmap\.xlsx|roadmap\.csv|findings\.xlsx|findings\.csv"
        r"|data-package\.zip)$",
        api.ExportView.as_view(),
        name="export",
    ),
]
