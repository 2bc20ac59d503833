"""Background work of search: embedding practices off the request path (run by `manage.py db_worker`)."""

import threading

from django.db import transaction
from django_tasks import task

from . import embeddings

# Practices one task embeds at most: an import of thousands queues a task per hundred, not one per practice
# (a queued task is a database row: ~1.7 ms each, a quarter of an imported practice's time).
TASK_PRACTICES = 100


@task(backend="embeddings")
def embed_practices(page_ids):
    """Embed each language version of the live practices among page_ids; one gone or unpublished meanwhile is skipped."""
    from practices.models import PracticePage

    from .backends.elasticsearch import send_vectors

    pages = list(PracticePage.objects.live().filter(pk__in=page_ids).prefetch_related("topics", "schemes"))
    if not pages:
        return 0
    made = embeddings.embed_practices(pages)
    send_vectors([page.pk for page in pages])
    return made


_published = threading.local()  # page ids published in this thread's transaction, not yet queued


def enqueue_embedding(sender, instance, **kwargs):
    """page_published receiver: queue the practice for embedding once the publishing transaction commits.

    After the commit, because an import sends page_published before it has saved the practices'
    topics and schemes, whose names are part of the text embedded. The practices published in one
    transaction share tasks: the first of its commit callbacks queues them all, the others find none.
    A rolled-back transaction may leave ids behind; they go with the next commit, and the task skips
    what is not live.
    """
    if hasattr(instance, "facet_topic"):
        if not hasattr(_published, "ids"):
            _published.ids = []
        _published.ids.append(instance.pk)
        transaction.on_commit(_queue_published)


def _queue_published():
    ids, _published.ids = list(dict.fromkeys(_published.ids)), []
    for start in range(0, len(ids), TASK_PRACTICES):
        embed_practices.enqueue(ids[start : start + TASK_PRACTICES])
