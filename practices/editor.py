"""The practice editor: one language is enough, the editor's own language comes first, the slug makes itself."""

from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import ObjectList
from wagtail.models import Page

from .slugs import slug_from_titles, unique_slug
from .translation_workflow import TRANSLATED_FIELDS, updated_provenance
from .vocabulary import LANGUAGE_CODES


def editor_language():
    code = (get_language() or "en")[:2]
    return code if code in LANGUAGE_CODES else LANGUAGE_CODES[0]


def _field_language(bound_panel):
    """(field, language) for a panel of one language version of a translated field, else (None, None)."""
    base, _sep, code = (getattr(bound_panel.panel, "field_name", "") or "").rpartition("_")
    return (base, code) if base and code in LANGUAGE_CODES else (None, None)


def own_language_first(items, lang):
    """Reorder runs of (bound panel, identifier) of one field's language versions so that `lang` leads."""
    ordered, position = [], 0
    while position < len(items):
        field, _code = _field_language(items[position][0])
        end = position + 1
        while field and end < len(items) and _field_language(items[end][0])[0] == field:
            end += 1
        ordered += sorted(items[position:end], key=lambda item: _field_language(item[0])[1] != lang)
        position = end
    return ordered


class OwnLanguageFirstObjectList(ObjectList):
    """A tab whose translated fields show the editor's language version first (title [ja] before title [en])."""

    class BoundPanel(ObjectList.BoundPanel):
        @cached_property
        def _ordered(self):
            items = list(zip(super().children, self.panel.child_identifiers, strict=True))
            return own_language_first(items, editor_language())

        @cached_property
        def children(self):
            return [child for child, _identifier in self._ordered]

        @cached_property
        def visible_children_with_identifiers(self):
            return [(child, identifier) for child, identifier in self._ordered if child.is_shown()]


class PracticePageForm(WagtailAdminPageForm):
    """A title in one language is enough; an empty slug is made from the title (never a trip to Promote)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in LANGUAGE_CODES:
            if field := self.fields.get(f"title_{code}"):
                field.required = False
                field.help_text = _("Required: a title in at least one language, English or Japanese.")
        if field := self.fields.get("slug"):
            field.required = False
            field.help_text = _("The last part of the page's address. Left empty, it is made from the title.")

    def clean(self):
        # The text before this edit, to tell a translation from the original (practices/translation_workflow.py).
        self._before = {field: getattr(self.instance, field, "") for field in TRANSLATED_FIELDS}
        data = self.cleaned_data
        if not data.get("slug") and "slug" not in self.errors:
            titles = [data.get(f"title_{code}") or "" for code in LANGUAGE_CODES]
            if any(titles):
                data["slug"] = unique_slug(slug_from_titles(data.get("title_en"), data.get("title_ja")), self._slug_taken)
        self._refuse_relation_to_itself()
        return super().clean()

    def _refuse_relation_to_itself(self):
        # The related practice's own clean cannot tell: its form does not know the page yet.
        for form in getattr(self, "formsets", {}).get("relations", ()):
            if self.instance.pk and form.is_valid() and getattr(form.cleaned_data.get("target"), "pk", None) == self.instance.pk:
                form.add_error("target", _("A practice cannot be related to itself."))

    def save(self, commit=True):
        page = self.instance
        if self.for_user is not None and hasattr(page, "translation_provenance"):
            after = {field: getattr(page, field, "") for field in TRANSLATED_FIELDS}
            page.translation_provenance = updated_provenance(
                page.translation_provenance, getattr(self, "_before", {}), after, self.for_user
            )
        return super().save(commit=commit)

    def _slug_taken(self, slug):
        model = type(self.instance)
        return (
            model.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists()
            or not Page._slug_is_available(slug, self.parent_page, self.instance)
        )
