"""Published practices as records of the import format (JSON Lines), or as flat CSV rows."""

import csv
import json

from django.db.models import Prefetch

from ..models import PRACTICE_TEXT_FIELDS, PracticePage, PracticeRelation
from ..translation_workflow import provenance_to_record
from ..vocabulary import LANGUAGE_CODES
from .conversion import html_to_paragraphs

RICH_TEXT_FIELDS = PRACTICE_TEXT_FIELDS[2:]  # title and summary are plain text already
CSV_COLUMNS = (
    "slug", "title_en", "title_ja", "summary_en", "summary_ja", "organisation",
    "countries", "topics", "schemes", "audiences", "age_groups", "started", "ended", "url", "languages",
)


def bilingual(obj, field, convert=str):
    """{"en": ..., "ja": ...} with a key only for the languages the text exists in."""
    values = {code: convert(getattr(obj, f"{field}_{code}") or "") for code in LANGUAGE_CODES}
    return {code: value for code, value in values.items() if value}


def named(obj):
    return {"slug": obj.slug, "name": bilingual(obj, "name")}


def organisation(org):
    record = {**named(org), "country": org.country, "url": org.url, "description": bilingual(org, "description")}
    return {key: value for key, value in record.items() if value}


def as_record(page):
    """A practice as one line of the import format; empty fields are left out."""
    record = {"slug": page.slug}
    for field in PRACTICE_TEXT_FIELDS:
        record[field] = bilingual(page, field, html_to_paragraphs if field in RICH_TEXT_FIELDS else str)
    record.update(
        organisation=organisation(page.organisation) if page.organisation else None,
        countries=list(page.countries),
        topics=[named(topic) for topic in page.topics.all()],
        schemes=[named(scheme) for scheme in page.schemes.all()],
        audiences=list(page.audiences),
        age_groups=list(page.age_groups),
        started=page.started.isoformat() if page.started else None,
        ended=page.ended.isoformat() if page.ended else None,
        url=page.website,
        contact=page.contact,
        translations=provenance_to_record(page.translation_provenance),
        related=[{"slug": row.target.slug, "relation": row.relation} for row in page.published_relations],
    )
    return {key: value for key, value in record.items() if value}


def as_row(page):
    """A practice as one CSV row of CSV_COLUMNS, lists joined with ';'."""
    row = {
        "slug": page.slug,
        **{column: getattr(page, column) for column in ("title_en", "title_ja", "summary_en", "summary_ja")},
        "organisation": page.organisation.slug if page.organisation else "",
        "countries": page.countries,
        "topics": [topic.slug for topic in page.topics.all()],
        "schemes": [scheme.slug for scheme in page.schemes.all()],
        "audiences": page.audiences,
        "age_groups": page.age_groups,
        "started": page.started.isoformat() if page.started else "",
        "ended": page.ended.isoformat() if page.ended else "",
        "url": page.website,
        "languages": page.languages,
    }
    return [";".join(value) if isinstance(value, list) else value for value in map(row.get, CSV_COLUMNS)]


# Only relations to published practices: a file others download names no draft.
PUBLISHED_RELATIONS = Prefetch(
    "relations",
    queryset=PracticeRelation.objects.filter(target__live=True).select_related("target"),
    to_attr="published_relations",
)


def published_practices():
    return (
        PracticePage.objects.live()
        .select_related("organisation")
        .prefetch_related("topics", "schemes", PUBLISHED_RELATIONS)
        .order_by("slug")
    )


def write_jsonl(stream):
    """One practice per line, in the import format."""
    for page in published_practices():
        stream.write(json.dumps(as_record(page), ensure_ascii=False) + "\n")


def write_csv(stream):
    # The csv module writes each row, line ending included, in one call.
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(as_row(page) for page in published_practices())
