from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from search import api as search_api
from search import views as search_views

from .api import api_router
from .downloads import download
from .openapi import openapi
from .sitemaps import sitemap
from .views import healthz

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Read-only: any other method answers 405 (not CSRF's 403), as the API's description says.
    path("api/search/", csrf_exempt(search_api.search), name="api_search"),
    path("api/search/autocomplete/", csrf_exempt(search_api.autocomplete), name="api_autocomplete"),
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

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("", include("portal.opendata_urls")),
    path("", include("practices.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
