"""Embed every live practice now (after changing SEARCH_EMBEDDING_MODEL, or to fill a new database)."""

from django.core.management.base import BaseCommand

from search import embeddings
from search.backends.elasticsearch import send_vectors

BAR_WIDTH = 30
# Elasticsearch gets the new vectors in bulk updates of this many practices.
SEND_EVERY = 200


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
        total, made, embedded = pages.count(), 0, []
        for done, page in enumerate(pages.iterator(chunk_size=200), start=1):
            made += embeddings.embed_practice(page)
            embedded.append(page.pk)
            if len(embedded) == SEND_EVERY or done == total:
                send_vectors(embedded)
                embedded = []
            self.progress(done, total)
        if total:
            self.stderr.write("")
        self.stdout.write(f"{made} vectors made for {total} practices; {embeddings.waiting()} practices wait for embedding")

    def progress(self, done, total):
        filled = BAR_WIDTH * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stderr.flush()
