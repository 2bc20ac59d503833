from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from modelsearch.index import insert_or_update_object
        from wagtail.signals import page_published, page_unpublished

        # modelsearch indexes a page from its post_save signal, which fires before the page's
        # ParentalManyToMany fields (topics, schemes) are saved; index it again once they are.
        def reindex(sender, instance, **kwargs):
            insert_or_update_object(instance)

        page_published.connect(reindex, weak=False, dispatch_uid="search-reindex-published")
        page_unpublished.connect(reindex, weak=False, dispatch_uid="search-reindex-unpublished")
