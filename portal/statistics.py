"""/en/statistics/ and /ja/statistics/: the collection in numbers, charts drawn as SVG on the server."""

from collections import Counter

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from practices.models import PRACTICE_TEXT_FIELDS, PracticePage, Scheme, Topic
from practices.vocabulary import LANGUAGE_CODES

# Geometry of a bar chart, in SVG user units (the SVG scales to the width of the page).
WIDTH = 600
ROW = 44
BAR = 18
LABEL_GAP = 6
FIELD_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "body": _("Description"),
    "objectives": _("Objectives"),
    "outcomes": _("Outcomes and evidence of impact"),
    "lessons": _("Lessons learned"),
    "transfer": _("Transferring it to the other region"),
}


def bar_chart(slug, title, description, rows, unit="", maximum=None):
    """A horizontal bar chart: each label on its own line above its bar, so long names fit a phone."""
    largest = maximum or max((value for _label, value in rows), default=0) or 1
    scale = (WIDTH - 60) / largest
    bars = []
    for index, (label, value) in enumerate(rows):
        top = index * ROW
        width = round(value * scale, 1)
        bars.append({
            "label": label, "value": value, "label_y": top + 14, "bar_y": top + 14 + LABEL_GAP,
            "width": max(width, 1 if value else 0), "value_x": width + 6, "value_y": top + 14 + LABEL_GAP + BAR - 4,
        })
    return {"id": slug, "title": title, "description": description, "rows": bars, "unit": unit,
            "width": WIDTH, "height": max(len(rows), 1) * ROW + 4, "bar": BAR}


def regions(countries):
    codes = set(countries)
    found = []
    if codes - {"JP"}:
        found.append("eu")
    if "JP" in codes:
        found.append("jp")
    return found


def collect():
    """Counts over the published practices, in one pass over their plain fields."""
    fields = ["pk", "countries", "started", "organisation__country"]
    fields += [f"{name}_{code}" for name in PRACTICE_TEXT_FIELDS for code in LANGUAGE_CODES]
    practices = list(PracticePage.objects.live().public().values(*fields))
    by_region, by_year, by_language, written = Counter(), Counter(), Counter(), Counter()
    both = Counter()
    for practice in practices:
        for region in regions(practice["countries"] or [practice["organisation__country"] or ""]):
            by_region[region] += 1
        if practice["started"]:
            by_year[practice["started"].year] += 1
        languages = [code for code in LANGUAGE_CODES if practice[f"title_{code}"] and practice[f"summary_{code}"]]
        by_language["both" if len(languages) == 2 else languages[0] if languages else "none"] += 1
        for name in PRACTICE_TEXT_FIELDS:
            versions = [code for code in LANGUAGE_CODES if practice[f"{name}_{code}"]]
            if versions:
                written[name] += 1
                both[name] += len(versions) == 2
    ids = [practice["pk"] for practice in practices]
    return {"total": len(practices), "ids": ids, "region": by_region, "year": by_year,
            "language": by_language, "written": written, "both": both}


def subject_counts(model, ids):
    """(name, number of published practices) for each topic or scheme that has any, most first."""
    counts = Counter(model.practices.through.objects.filter(practicepage_id__in=ids)
                     .values_list(f"{model._meta.model_name}_id", flat=True))
    subjects = model.objects.filter(pk__in=counts)
    return sorted(((s.name_in(), counts[s.pk]) for s in subjects), key=lambda row: (-row[1], row[0]))


def charts(numbers):
    region_names = {"eu": _("European Union"), "jp": _("Japan")}
    language_names = {"both": _("English and Japanese"), "en": _("English only"), "ja": _("Japanese only")}
    coverage = [
        (FIELD_LABELS[name], round(100 * numbers["both"][name] / numbers["written"][name]))
        for name in PRACTICE_TEXT_FIELDS
        if numbers["written"][name]
    ]
    return [
        bar_chart("region", _("Practices by region"),
                  _("Published practices run in the European Union and in Japan; a practice run in both counts in both."),
                  [(region_names[key], numbers["region"][key]) for key in ("eu", "jp")]),
        bar_chart("topic", _("Practices by topic"), _("Published practices on each topic; a practice may have several."),
                  subject_counts(Topic, numbers["ids"])),
        bar_chart("scheme", _("Practices by voluntary scheme"),
                  _("Published practices tagged with each voluntary industry scheme."),
                  subject_counts(Scheme, numbers["ids"])),
        bar_chart("language", _("Practices by language written in"),
                  _("Whether a practice has its title and summary in English, in Japanese or in both."),
                  [(language_names[key], numbers["language"][key]) for key in ("both", "en", "ja")]),
        bar_chart("year", _("Practices by year started"), _("Published practices by the year they started."),
                  sorted(numbers["year"].items())),
        bar_chart("coverage", _("Translation coverage"),
                  _("Of the practices that have each text, the share that has it in both English and Japanese."),
                  coverage, unit="%", maximum=100),
    ]


def statistics(request):
    numbers = collect()
    return render(request, "portal/statistics.html", {"total": numbers["total"], "charts": charts(numbers)})
