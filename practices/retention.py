"""How long the join form's personal data is kept: decided applications go after a set number of days."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import JoinApplication


def purge_decided_applications(days=None):
    """Delete accepted and declined applications received more than `days` ago; return how many."""
    days = settings.JOIN_APPLICATION_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    stale = JoinApplication.objects.exclude(status=JoinApplication.Status.NEW).filter(created_at__lt=cutoff)
    deleted, _by_model = stale.delete()
    return deleted
