from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from practices.models import Organisation

        from .backends.base import reindex
        from .backends.database import refresh_cards
        from .tasks import enqueue_embedding

        page_published.connect(reindex, dispatch_uid="search-reindex-published")
        page_unpublished.connect(reindex, dispatch_uid="search-reindex-unpublished")
        page_published.connect(enqueue_embedding, dispatch_uid="search-embed-published")
        # Result cards are stored with the index: a renamed organisation or a moved page changes them.
        post_save.connect(refresh_cards, sender=Organisation, dispatch_uid="search-cards-organisation")
        post_page_move.connect(refresh_cards, dispatch_uid="search-cards-moved")
        page_published.connect(refresh_cards, dispatch_uid="search-cards-published")
