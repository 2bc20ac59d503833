from django.core.management.base import BaseCommand, CommandError

from practices.retention import purge_decided_applications


class Command(BaseCommand):
    help = (
        "Delete decided (accepted or declined) applications to join received more than --days days ago "
        "(default: JOIN_APPLICATION_RETENTION_DAYS). Undecided applications are kept. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="age in days beyond which decided applications are deleted")

    def handle(self, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        deleted = purge_decided_applications(days)
        self.stdout.write(f"{deleted} decided applications deleted")
