"""Background work of search: embedding practices off the request path (run by `manage.py db_worker`)."""

from django.db import transaction
from django_tasks import task

from . import embeddings


@task(backend="embeddings")
def embed_practice(page_id):
    """Embed each language version of a live practice; a practice gone or unpublished meanwhile is skipped."""
    from practices.models import PracticePage

    from .backends.elasticsearch import send_vectors

    page = PracticePage.objects.live().filter(pk=page_id).prefetch_related("topics", "schemes").first()
    if page is None:
        return 0
    made = embeddings.embed_practice(page)
    send_vectors([page.pk])
    return made


def enqueue_embedding(sender, instance, **kwargs):
    """page_published receiver: queue the practice for embedding once the publishing transaction commits.

    After the commit, because an import sends page_published before it has saved the practices'
    topics and schemes, whose names are part of the text embedded.
    """
    if hasattr(instance, "facet_topic"):
        page_id = instance.pk
        transaction.on_commit(lambda: embed_practice.enqueue(page_id))
