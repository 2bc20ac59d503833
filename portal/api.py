"""Wagtail's content API (/api/v2/): published pages only.

Images and documents have no public listing: an upload belongs to its organisation until a live
practice uses it, and public pages already link what is published (practices/uploads.py).
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
