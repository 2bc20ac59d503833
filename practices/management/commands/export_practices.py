"""Export published practices (CONTRACT §5); the work is practices.interchange.exporter's."""

from django.core.management.base import BaseCommand

from practices.interchange.exporter import write_csv, write_jsonl


class Command(BaseCommand):
    help = "Write published practices to stdout as JSON Lines (the import format) or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")

    def handle(self, format="jsonl", **options):
        (write_csv if format == "csv" else write_jsonl)(self.stdout)
