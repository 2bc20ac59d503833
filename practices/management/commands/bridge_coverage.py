from django.core.management.base import BaseCommand

from practices.coverage import report


class Command(BaseCommand):
    help = "Print how many practices each reader can read (title and summary) and the glosses per other-language page."

    def handle(self, **options):
        for line in report():
            self.stdout.write(line)
