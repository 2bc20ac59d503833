"""The glossary in the admin: moderators keep the bilingual terms that search and glosses use."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import GlossaryEntry


class GlossaryEntryViewSet(SnippetViewSet):
    model = GlossaryEntry
    icon = "openquote"
    menu_label = _("Glossary")
    add_to_admin_menu = True
    # Beside the vocabulary (210) it extends, before applications to join (220).
    menu_order = 215
    list_display = ["__str__", "note", "updated_at"]
    # Plain database search finds terms in either language; the practice index is for practices.
    search_backend_name = None
    search_fields = ["terms_en", "terms_ja", "note"]
    copy_view_enabled = False


register_snippet(GlossaryEntryViewSet)
