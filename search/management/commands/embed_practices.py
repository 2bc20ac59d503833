"""Embed every live practice now (after changing SEARCH_EMBEDDING_MODEL, or to fill a new database)."""

from django.core.management.base import BaseCommand

from search import embeddings
from search.backends.elasticsearch import send_vectors

BAR_WIDTH = 30
# Practices embedded together (their texts encoded in batches) and sent to Elasticsearch in one bulk update.
BATCH = 100


class Command(BaseCommand):
    help = "Embed each language version of every live practice for hybrid search, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Embed again even texts whose vectors are current.")

    def handle(self, all=False, **options):
        from practices.models import PracticePage
        from search.models import PracticeVector

        pages = PracticePage.objects.live().order_by("pk").prefetch_related("topics", "schemes").select_related("organisation")
        if all:
            PracticeVector.objects.all().delete()
        total, made, batch = pages.count(), 0, []
        for done, page in enumerate(pages.iterator(chunk_size=BATCH), start=1):
            batch.append(page)
            if len(batch) == BATCH or done == total:
                made += embeddings.embed_practices(batch)
                send_vectors([page.pk for page in batch])
                batch = []
                self.progress(done, total)
        if total:
            self.stderr.write("")
        self.stdout.write(f"{made} vectors made for {total} practices; {embeddings.waiting()} practices wait for embedding")

    def progress(self, done, total):
        filled = BAR_WIDTH * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stderr.flush()
