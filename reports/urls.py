from django.urls import path, re_path

from reports import portfolio_views, views

app_name = "reports"
urlpatterns = [
    path("portfolio/", portfolio_views.portfolio_page, name="portfolio"),
    path("portfolio/regions/", portfolio_views.region_scores_page, name="portfolio-regions"),
    path("portfolio/certifications/", portfolio_views.expiring_page, name="portfolio-expiring"),
    path("audits/<int:pk>/report/", views.report_page, name="report"),
    path("audits/<int:pk>/report/request/", views.report_request, name="request"),
    path("audits/<int:pk>/report/issue/", views.report_issue, name="issue"),
    path("audits/<int:pk>/report/text/", views.report_text, name="text"),
    path("audits/<int:pk>/report/renders/<int:render_pk>/retry/", views.render_retry, name="retry"),
    path("audits/<int:pk>/report/renders/<int:render_pk>/pdf/", views.render_download, name="render-pdf"),
    path("audits/<int:pk>/report/v<int:version>.pdf", views.snapshot_download, name="snapshot-pdf"),
    re_path(
        r"^audits/(?P<pk>[0-9]+)/exports/(?P<name>[a-z-]+\.(?:xlsx|csv|zip))$", views.export, name="export"
    ),
]
