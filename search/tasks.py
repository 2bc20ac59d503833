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


_published = threading.local()  # this thread's batch: the practices published in its open transaction


class _Batch(list):
    """Page ids published in one transaction; called once it commits, it queues them, TASK_PRACTICES a task."""

    def __call__(self):
        if getattr(_published, "batch", None) is self:
            _published.batch = None
        ids = list(dict.fromkeys(self))
        for start in range(0, len(ids), TASK_PRACTICES):
            embed_practices.enqueue(ids[start : start + TASK_PRACTICES])


def enqueue_embedding(sender, instance, **kwargs):
    """page_published receiver: queue the practice for embedding once the publishing transaction commits.

    After the commit, because an import sends page_published before it has saved the practices'
    topics and schemes, whose names are part of the text embedded. The practices published in one
    transaction go in one batch with one commit callback (a callback each made the commit list, which
    page_cache scans, grow with every practice of an import); a batch whose callback a rollback dropped
    is dropped with it.
    """
    if not hasattr(instance, "facet_topic"):
        return
    batch = getattr(_published, "batch", None)
    if batch is not None and any(callback is batch for _s, callback, _r in transaction.get_connection().run_on_commit):
        batch.append(instance.pk)
        return
    _published.batch = _Batch([instance.pk])
    transaction.on_commit(_published.batch)  # outside a transaction: at once
