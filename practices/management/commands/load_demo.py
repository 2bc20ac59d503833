import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from wagtail.users.models import UserProfile

from practices.loaders import DEMO_PRACTICES_FILE
from practices.models import Organisation
from practices.permissions import MODERATORS, add_editor, add_to_group
from practices.translation_workflow import translators_group
from practices.workflows import ensure_moderation

DEMO_ACCOUNTS = (
    # username, organisation (for editors), superuser, interface language
    ("ngo_eu", "demo-ngo-eu", False, "en"),
    ("ngo_jp", "demo-ngo-jp", False, "ja"),
    ("moderator", None, False, "en"),
    ("admin", None, True, "en"),
)


def create_demo_accounts(password):
    """The demo accounts of CONTRACT §6, in their groups; existing accounts keep their password and language."""
    moderators = Group.objects.get(name=MODERATORS)
    for username, organisation, superuser, language in DEMO_ACCOUNTS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "is_superuser": superuser, "is_staff": superuser},
        )
        if created:
            user.set_password(password)
            user.save()
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = language
            profile.save()
        if organisation:
            add_editor(user, Organisation.objects.get(slug=organisation))
        elif not superuser:
            add_to_group(user, moderators)
            add_to_group(user, translators_group(moderators))


class Command(BaseCommand):
    help = "Load the bilingual demo content and demo accounts (development only; running it twice changes nothing)."

    def handle(self, **options):
        if not getattr(settings, "DEMO_CONTENT", False):
            raise CommandError("Demo content is for development databases only (DEMO_CONTENT is off).")
        call_command("setup_portal", stdout=self.stdout)
        call_command("import_practices", str(DEMO_PRACTICES_FILE), stdout=self.stdout)
        password = os.environ.get("DEMO_PASSWORD", "demo-password")
        ensure_moderation()
        create_demo_accounts(password)
        self.stdout.write("Demo accounts (password: %s):" % ("$DEMO_PASSWORD" if "DEMO_PASSWORD" in os.environ else password))
        for username, organisation, superuser, _language in DEMO_ACCOUNTS:
            role = "superuser" if superuser else (f"editor for {organisation}" if organisation else "moderator")
            self.stdout.write(f"  {username:10} {role}")
