"""Import practices from JSON Lines (CONTRACT §5); the work is practices.interchange.importer's."""

from django.core.management.base import BaseCommand, CommandError

from practices.interchange.importer import Unreadable, import_file
from practices.interchange.locking import ImportRunning


class Command(BaseCommand):
    help = "Import practices from a JSON Lines file (one practice per line)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--skip-invalid", action="store_true", help="Write the valid lines, report the others.")
        parser.add_argument("--dry-run", action="store_true", help="Validate only; write nothing.")
        parser.add_argument("--draft", action="store_true", help="Save as drafts instead of publishing.")
        parser.add_argument(
            "--allow-move", action="store_true", help="Let a line move a practice from one organisation to another."
        )
        parser.add_argument(
            "--create-vocabulary", action="store_true", help="Create the topics and schemes the file names that do not exist."
        )

    def handle(self, path, **options):
        flags = ("skip_invalid", "dry_run", "draft", "allow_move", "create_vocabulary")
        try:
            report = import_file(path, **{flag: options.get(flag, False) for flag in flags})
        except (Unreadable, ImportRunning) as problem:
            raise CommandError(str(problem), returncode=1) from None
        for message in report.errors:
            self.stderr.write(message)
        if report.errors and not options["skip_invalid"]:
            raise CommandError(f"{len(report.errors)} invalid line(s); nothing was imported.", returncode=1)
        if options["dry_run"]:
            self.stdout.write(f"{report.valid} valid line(s), {len(report.errors)} invalid; nothing written (dry run).")
            return
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            + (f", {len(report.errors)} invalid line(s) skipped" if report.errors else "")
        )
