"""Helplines and readers' routes in the admin: moderators keep them, and see which helplines need checking again."""

from datetime import date, timedelta

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Helpline, Journey


def _stale():
    return Q(last_verified__isnull=True) | Q(last_verified__lt=date.today() - timedelta(days=365))


class HelplineFilterSet(WagtailFilterSet):
    needs_verification = django_filters.BooleanFilter(
        label=_("Not verified for a year"), method="filter_needs_verification"
    )

    class Meta:
        model = Helpline
        fields = ["region", "kind", "needs_verification"]

    def filter_needs_verification(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(_stale()) if value else queryset.exclude(_stale())


class HelplineViewSet(SnippetViewSet):
    model = Helpline
    icon = "help"
    search_backend_name = None
    search_fields = ["slug", "name_en", "name_ja", "phone"]
    filterset_class = HelplineFilterSet
    copy_view_enabled = False
    list_display = [
        "__str__",
        "phone",
        "kind",
        "last_verified",
        BooleanColumn("is_stale", label=_("Not verified for a year")),
    ]


class JourneyViewSet(SnippetViewSet):
    model = Journey
    icon = "site"
    search_backend_name = None
    search_fields = ["slug", "title_en", "title_ja"]
    copy_view_enabled = False
    list_display = ["__str__", "slug", "audiences", "sort_order"]


class HelpGroup(SnippetViewSetGroup):
    menu_label = _("Help for readers")
    menu_icon = "help"
    menu_order = 220
    items = (HelplineViewSet, JourneyViewSet)


register_snippet(HelpGroup)
