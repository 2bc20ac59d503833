from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account
from wagtail.documents import urls as wagtaildocs_urls

from practices.reports import PageTypesUsageView
from search import api as search_api
from search import views as search_views

from .api import api_router
from .downloads import download
from .help import help_page
from .journeys import journey_page
from .openapi import openapi
from .sitemaps import sitemap
from .throttle import json_refusal, limited
from .views import healthz, media_rendition

urlpatterns = [
    # Each reset request sends mail: throttled per client before Wagtail's own view.
    path(
        "admin/password_reset/",
        limited("password-reset", "RATELIMIT_PASSWORD_RESET", method="POST")(account.PasswordResetView.as_view()),
        name="wagtailadmin_password_reset",
    ),
    # Before Wagtail's own: the report must not name other organisations' drafts.
    path("admin/reports/page-types-usage/", PageTypesUsageView.as_view()),
    path("admin/reports/page-types-usage/results/", PageTypesUsageView.as_view(results_only=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Read-only: any other method answers 405 (not CSRF's 403), as the API's description says.
    path(
        "api/search/",
        csrf_exempt(limited("search", "RATELIMIT_SEARCH", json_refusal)(search_api.search)),
        name="api_search",
    ),
    path(
        "api/search/autocomplete/",
        csrf_exempt(limited("search", "RATELIMIT_SEARCH", json_refusal)(search_api.autocomplete)),
        name="api_autocomplete",
    ),
    path("api/openapi.json", openapi, name="api_openapi"),
    path("api/v2/", api_router.urls),
    path("open-data/practices.<str:format>", download, name="download"),
    path("healthz", healthz, name="healthz"),
    path("sitemap.xml", sitemap),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
else:
    # Only image renditions are public files; originals stay private and documents go through
    # Wagtail's serve view, which checks who may have them (practices/uploads.py).
    urlpatterns.append(re_path(r"^media/(?P<path>images/[^/]+)$", media_rendition))

urlpatterns += i18n_patterns(
    path("search/", limited("search", "RATELIMIT_SEARCH")(search_views.search), name="search"),
    path("help/", help_page, name="help"),
    path("for/<slug:slug>/", journey_page, name="journey"),
    path("", include("portal.opendata_urls")),
    path("", include("practices.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
