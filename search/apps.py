from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from .backends.base import reindex
        from .tasks import enqueue_embedding

        page_published.connect(reindex, dispatch_uid="search-reindex-published")
        page_unpublished.connect(reindex, dispatch_uid="search-reindex-unpublished")
        page_published.connect(enqueue_embedding, dispatch_uid="search-embed-published")
