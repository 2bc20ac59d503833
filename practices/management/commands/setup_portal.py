from django.core.management.base import BaseCommand

from portal.helplines import load_helplines
from portal.journeys import load_journeys
from portal.setup import ensure_page_tree
from practices.loaders import load_schemes, load_topics
from practices.workflows import ensure_moderation
from search import glossary


class Command(BaseCommand):
    help = (
        "Create what every installation needs and lacks: the page tree, the moderators' review workflow, "
        "topics, voluntary schemes, helplines, readers' routes and the search glossary. Running it again changes nothing."
    )

    def handle(self, **options):
        ensure_page_tree()
        ensure_moderation()
        topics, schemes = load_topics(), load_schemes()
        helplines = load_helplines()
        load_journeys()
        glossary_created = glossary.load_file()
        self.stdout.write(
            f"{topics} topics, {schemes} schemes, {helplines} helplines, {glossary_created} glossary entries added"
        )
