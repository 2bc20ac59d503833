"""Moderators' reports in the admin: practices missing a language, and practices nobody has updated for two years."""

from datetime import timedelta

import django_filters
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page

from .models import Organisation, PracticePage, TranslationTask
from .permissions import page_permission_policy, visible_to
from .vocabulary import LANGUAGE_CODES, Language

STALE_AFTER = timedelta(days=2 * 365)


def missing(code):
    """Practices without a title or summary in the language: PracticePage.languages as a query."""
    return Q(**{f"title_{code}__isnull": True}) | Q(**{f"title_{code}": ""}) | Q(**{f"summary_{code}__isnull": True}) | Q(
        **{f"summary_{code}": ""}
    )


def missing_languages(page):
    return ", ".join(str(Language(code).label) for code in LANGUAGE_CODES if code not in page.languages)


def status(page):
    task = page.current_workflow_task
    if task is not None and isinstance(task.specific, TranslationTask):
        return _("waiting for translation")
    if not page.live:
        return _("draft")
    return _("published, with unpublished changes") if page.has_unpublished_changes else _("published")


class PracticeReportFilterSet(WagtailFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.all(), empty_label=_("All organisations")
    )

    class Meta:
        model = PracticePage
        fields = ["organisation", "live"]


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…) phoning home, say).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula, kept as text by a leading apostrophe (OWASP's advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class PracticeReportView(ReportView):
    """Practices the user may publish, that is everything under the listing for moderators."""

    permission_policy = page_permission_policy
    any_permission_required = ["publish"]
    filterset_class = PracticeReportFilterSet
    model = PracticePage
    list_export = ["title_en", "title_ja", "organisation", "latest_revision_created_at", "live"]
    export_headings = {
        "title_en": _("Title (English)"),
        "title_ja": _("Title (Japanese)"),
        "organisation": _("Organisation"),
        "latest_revision_created_at": _("Updated"),
        "live": _("Published"),
    }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            return neutralise_formula(value)
        return value

    def practices(self):
        pages = self.permission_policy.instances_user_has_permission_for(self.request.user, "publish")
        return PracticePage.objects.filter(pk__in=pages.values("pk")).select_related("organisation")


class TranslationGapsFilterSet(PracticeReportFilterSet):
    missing = django_filters.ChoiceFilter(
        label=_("Missing"), choices=Language.choices, method="filter_missing", empty_label=_("Either language")
    )

    def filter_missing(self, queryset, name, value):
        return queryset.filter(missing(value))


class TranslationGapsView(PracticeReportView):
    page_title = _("Translation gaps")
    header_icon = "globe"
    index_url_name = "practices_reports:translation_gaps"
    index_results_url_name = "practices_reports:translation_gaps_results"
    filterset_class = TranslationGapsFilterSet
    no_results_message = _("Every practice is written in both English and Japanese.")
    columns = [
        TitleColumn("title", label=_("Title"), url_name="wagtailadmin_pages:edit"),
        Column("organisation", label=_("Organisation")),
        Column("missing", label=_("Missing"), accessor=missing_languages),
        Column("requests", label=_("Translation requests"), accessor=lambda page: page.requests or 0),
        Column("status", label=_("Status"), accessor=status),
        DateColumn("latest_revision_created_at", label=_("Updated")),
    ]

    def get_queryset(self):
        gaps = Q()
        for code in LANGUAGE_CODES:
            gaps |= missing(code)
        # What readers ask for most comes first (TranslationRequest counts, no personal data).
        return (
            self.practices()
            .filter(gaps)
            .annotate(requests=Sum("translation_requests__count"))
            .order_by(F("requests").desc(nulls_last=True), "organisation__slug", "pk")
        )


class StalePracticesView(PracticeReportView):
    page_title = _("Stale practices")
    header_icon = "time"
    index_url_name = "practices_reports:stale"
    index_results_url_name = "practices_reports:stale_results"
    no_results_message = _("Every practice has been updated in the last two years.")
    columns = [
        TitleColumn("title", label=_("Title"), url_name="wagtailadmin_pages:edit"),
        Column("organisation", label=_("Organisation")),
        Column("status", label=_("Status"), accessor=status),
        DateColumn("latest_revision_created_at", label=_("Last updated")),
    ]

    def get_queryset(self):
        cutoff = timezone.now() - STALE_AFTER
        return self.practices().filter(latest_revision_created_at__lt=cutoff).order_by("latest_revision_created_at")


class PageTypesUsageView(PageTypesUsageReportView):
    """Wagtail's page types report, naming a type's last edited page only to those who may see that page."""

    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        shown = [item.last_edited_page.pk for item in page_types if item.last_edited_page]
        visible = set(Page.objects.filter(pk__in=shown).filter(visible_to(self.request.user)).values_list("pk", flat=True))
        for item in page_types:
            if item.last_edited_page and item.last_edited_page.pk not in visible:
                item.last_edited_page = None
        return page_types
