from django.core.management.base import BaseCommand

from portal.setup import ensure_page_tree
from practices.loaders import load_schemes, load_topics
from search import glossary


class Command(BaseCommand):
    help = "Create the page tree, topics, voluntary schemes and search glossary that are missing."

    def handle(self, **options):
        ensure_page_tree()
        topics, schemes = load_topics(), load_schemes()
        glossary_created = glossary.load_file()
        self.stdout.write(f"{topics} topics, {schemes} schemes, {glossary_created} glossary entries added")
