from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from modelsearch.backends import get_search_backend

from search.backends.base import ENGINE_ERRORS
from search.models import PendingIndexUpdate


class Command(BaseCommand):
    help = "Send Elasticsearch the index changes it missed while it was unavailable."

    def handle(self, **options):
        if not settings.ELASTICSEARCH_URL:
            self.stdout.write("Elasticsearch is not configured; the database index is always up to date.")
            return
        backend = get_search_backend("default")
        sent = 0
        try:
            while PendingIndexUpdate.objects.exists():
                sent += backend.replay_pending()
            backend.refresh_indexes()
        except ENGINE_ERRORS as error:
            raise CommandError(f"Elasticsearch is still unavailable ({error}); {sent} change(s) sent so far.") from None
        self.stdout.write(f"{sent} change(s) sent to Elasticsearch.")
