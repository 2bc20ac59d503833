"""Practices that travelled (issue 13): the relations each practice page shows, and those that crossed regions.

Only published, public practices appear, on either end: a relation is stored with the later practice's
published version (practices/models/relations.py), so drafts and pages awaiting review add nothing.
"""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import PracticePage, PracticeRelation, text_in
from .vocabulary import Country, Region, Relation

# What each practice page says: the later one of the earlier, and the earlier one of the later.
LATER_SAYS = {
    Relation.ADAPTED_FROM: _("Adapted from {practice}"),
    Relation.INSPIRED_BY: _("Inspired by {practice}"),
    Relation.PARTNER: _("Run in partnership with {practice}"),
}
EARLIER_SAYS = {
    Relation.ADAPTED_FROM: _("Adapted by {practice}"),
    Relation.INSPIRED_BY: _("Inspired {practice}"),
    Relation.PARTNER: _("Partner of {practice}"),
}
CROSSINGS = (
    ("eu-jp", _("From the European Union to Japan")),
    ("jp-eu", _("From Japan to the European Union")),
    ("partner", _("Partnerships between the regions")),
)


def visible():
    return PracticePage.objects.live().public()


def region_of(practice):
    """The EU or Japan: where its organisation is, else where the practice runs; None if neither is known."""
    countries = [practice.organisation.country] if practice.organisation else list(practice.countries)
    if not countries or countries[0] not in Country.values:
        return None
    return Region.JP if countries[0] == "JP" else Region.EU


def _lang(code, reader):
    return format_html(' lang="{}"', code) if code != reader else ""


def link(practice, reader):
    """The practice's title in the reader's language where it has one, linked, with its organisation and region."""
    title, title_lang = practice.text_in("title", reader)
    where = []
    if practice.organisation:
        name, name_lang = text_in(practice.organisation, "name", reader)
        where.append(format_html("<span{}>{}</span>", _lang(name_lang, reader), name) if name_lang != reader else name)
    if region := region_of(practice):
        where.append(region.label)
    context = ""
    if where:
        separator = "、" if reader == "ja" else ", "
        context = format_html(' <span class="where">({})</span>', format_html(separator.join(["{}"] * len(where)), *where))
    return format_html('<a href="{}"{}>{}</a>{}', practice.get_url(), _lang(title_lang, reader), title, context)


def relations_of(page, reader):
    """The lines a practice page shows: its own relations, then the practices that name it."""
    shown = visible()
    own = list(page.relations.all())  # the published version's, or in a preview the previewed one's
    targets = shown.filter(pk__in=[row.target_id for row in own]).select_related("organisation").in_bulk()
    lines = [
        format_html(str(LATER_SAYS[row.relation]), practice=link(targets[row.target_id], reader))
        for row in own
        if row.target_id in targets
    ]
    naming = (
        PracticeRelation.objects.filter(target_id=page.pk, page__in=shown)
        .select_related("page__organisation")
        .order_by("page__first_published_at", "pk")
    )
    lines += [format_html(str(EARLIER_SAYS[row.relation]), practice=link(row.page, reader)) for row in naming]
    return lines


def crossings(reader):
    """Relations between published practices of the two regions: [{key, heading, items: [{practice, line}]}]."""
    groups = {key: [] for key, _heading in CROSSINGS}
    shown = visible()
    rows = (
        PracticeRelation.objects.filter(page__in=shown, target__in=shown)
        .select_related("page__organisation", "target__organisation")
        .order_by("-page__first_published_at", "pk")
    )
    for row in rows:
        later, earlier = region_of(row.page), region_of(row.target)
        if not later or not earlier or later == earlier:
            continue
        key = "partner" if row.relation == Relation.PARTNER else f"{earlier}-{later}"
        line = format_html(str(LATER_SAYS[row.relation]), practice=link(row.target, reader))
        groups[key].append({"practice": link(row.page, reader), "line": line})
    return [{"key": key, "heading": heading, "items": groups[key]} for key, heading in CROSSINGS]
