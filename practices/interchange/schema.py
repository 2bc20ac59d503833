"""The record schema of the import format (CONTRACT §5): check one parsed line and return it cleaned.

Written by hand rather than with pydantic: each reason reads `field: what is wrong` in the words the
contract and the tests use, which pydantic would only give through a custom message per check.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..models import PRACTICE_TEXT_FIELDS, Organisation, PracticePage, Scheme, Topic
from ..translation_workflow import provenance_from_record
from ..vocabulary import LANGUAGE_CODES, AgeGroup, Audience, Country, Relation

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELDS = {
    *PRACTICE_TEXT_FIELDS,
    *("slug", "organisation", "countries", "topics", "schemes", "audiences", "age_groups"),
    *("started", "ended", "url", "contact", "translations", "related"),
}
NAMED_KEYS = {"organisation": {"slug", "name", "country", "url", "description"}, "topics": {"slug", "name"}}
NAMED_KEYS["schemes"] = NAMED_KEYS["topics"]
NAMED_MODELS = {"organisation": Organisation, "topics": Topic, "schemes": Scheme}
# Limits beyond the columns' own (issue 9 §4): a line may not bloat every listing and page.
MAX_TEXT_LENGTH = 100_000
MAX_PER_PRACTICE = {"topics": 20, "schemes": 20, "related": 20}
is_url = URLValidator(schemes=["http", "https"])


def max_length(model, field):
    """The column's own limit, or the import's limit for text columns that have none."""
    return model._meta.get_field(field).max_length or MAX_TEXT_LENGTH


class Invalid(ValueError):
    pass


def _text(value, path, limit=MAX_TEXT_LENGTH):
    if not isinstance(value, str):
        raise Invalid(f"{path} must be text")
    if "\x00" in value:
        raise Invalid(f"{path} contains a NUL character")
    value = value.strip()
    if len(value) > limit:
        raise Invalid(f"{path} is longer than {limit:,} characters")
    return value


def _bilingual(record, field, path, limit):
    value = record.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be an object with 'en' and/or 'ja' keys")
    unknown = sorted(set(value) - set(LANGUAGE_CODES))
    if unknown:
        raise Invalid(f"{path} has unknown language key {unknown[0]!r} (use 'en' or 'ja')")
    return {code: _text(text, f"{path}.{code}", limit) for code, text in value.items()}


def _slug(value, path, limit):
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > limit:
        raise Invalid(
            f"{path} must be lower-case ASCII kebab-case (a-z, 0-9, single hyphens), at most {limit} characters"
        )
    return value


def _choices(record, field, allowed):
    values = record.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise Invalid(f"{field} must be a list of text values")
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise Invalid(f"{field} has unknown value {unknown[0]!r}; allowed: {', '.join(allowed)}")
    return list(dict.fromkeys(values))


def _date(record, field):
    value = record.get(field)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a date written YYYY-MM-DD")
    if not ISO_DATE.match(value):
        raise Invalid(f"{field} {value!r} is not a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field} {value!r} is not a real date (YYYY-MM-DD)") from None


def _url(value, path, limit):
    if not value:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{path} must be text")
    if len(value) > limit:
        raise Invalid(f"{path} is longer than {limit} characters")
    try:
        is_url(value)
    except ValidationError:
        raise Invalid(f"{path} must be an http:// or https:// address") from None
    return value


def _named(item, path, kind):
    """A topic, scheme or organisation reference: a slug, or an object with slug and names."""
    model = NAMED_MODELS[kind]
    if isinstance(item, str):
        return {"slug": _slug(item, path, max_length(model, "slug")), "name": {}}
    if not isinstance(item, dict) or "slug" not in item:
        raise Invalid(f"{path} must be a slug or an object with a 'slug'")
    unknown = sorted(set(item) - NAMED_KEYS[kind])
    if unknown:
        raise Invalid(f"{path} has unknown field {unknown[0]!r}")
    name = _bilingual(item, "name", f"{path}.name", max_length(model, "name"))
    return {"slug": _slug(item["slug"], f"{path}.slug", max_length(model, "slug")), "name": name}


def _organisation(value):
    clean = _named(value, "organisation", "organisation")
    value = value if isinstance(value, dict) else {}
    country = value.get("country")
    if country is not None and country not in Country.values:
        raise Invalid(f"organisation.country has unknown value {country!r}")
    clean["country"] = country
    clean["url"] = _url(value.get("url"), "organisation.url", max_length(Organisation, "url"))
    clean["description"] = _bilingual(value, "description", "organisation.description", MAX_TEXT_LENGTH)
    return clean


def _vocabulary(record, field):
    items = record.get(field, [])
    if not isinstance(items, list):
        raise Invalid(f"{field} must be a list")
    if len(items) > MAX_PER_PRACTICE[field]:
        raise Invalid(f"{field} has {len(items)} entries; a practice may have at most {MAX_PER_PRACTICE[field]}")
    return [_named(item, f"{field}[{i}]", field) for i, item in enumerate(items)]


def _related(record):
    """The practices this one was adapted from, inspired by or run with: [{slug, relation}], each slug once."""
    items = record.get("related", [])
    if not isinstance(items, list):
        raise Invalid("related must be a list")
    if len(items) > MAX_PER_PRACTICE["related"]:
        raise Invalid(f"related has {len(items)} entries; a practice may have at most {MAX_PER_PRACTICE['related']}")
    clean, seen = [], set()
    for i, item in enumerate(items):
        path = f"related[{i}]"
        if not isinstance(item, dict) or set(item) != {"slug", "relation"}:
            raise Invalid(f"{path} must be an object with 'slug' and 'relation'")
        slug = _slug(item["slug"], f"{path}.slug", max_length(PracticePage, "slug"))
        if item["relation"] not in Relation.values:
            raise Invalid(f"{path}.relation has unknown value {item['relation']!r}; allowed: {', '.join(Relation.values)}")
        if slug == record["slug"]:
            raise Invalid(f"{path}: a practice cannot be related to itself")
        if slug in seen:
            raise Invalid(f"{path}: practice {slug!r} is already related; name each practice once")
        seen.add(slug)
        clean.append({"slug": slug, "relation": item["relation"]})
    return clean


def validate(record):
    """Return the cleaned record, or raise Invalid with the first problem found."""
    if not isinstance(record, dict):
        raise Invalid("a line must be a JSON object")
    unknown = sorted(set(record) - FIELDS)
    if unknown:
        raise Invalid(f"unknown field {unknown[0]!r}")
    if "slug" not in record:
        raise Invalid("slug is missing")
    clean = {"slug": _slug(record["slug"], "slug", max_length(PracticePage, "slug"))}
    for field in PRACTICE_TEXT_FIELDS:
        clean[field] = _bilingual(record, field, field, max_length(PracticePage, f"{field}_en"))
    languages = [code for code in LANGUAGE_CODES if clean["title"].get(code) and clean["summary"].get(code)]
    if not languages:
        raise Invalid("title and summary are missing: at least one language needs both")
    for code in LANGUAGE_CODES:
        if bool(clean["title"].get(code)) != bool(clean["summary"].get(code)):
            raise Invalid(f"title.{code} and summary.{code} go together: give both or neither")
    # Who translated which title and summary (docs/data-formats.md): checked against the cleaned texts.
    clean["translations"], problems = provenance_from_record({**record, "title": clean["title"], "summary": clean["summary"]})
    if problems:
        raise Invalid(problems[0])
    organisation = record.get("organisation")
    clean["organisation"] = None if organisation is None else _organisation(organisation)
    clean["topics"] = _vocabulary(record, "topics")
    clean["schemes"] = _vocabulary(record, "schemes")
    clean["countries"] = _choices(record, "countries", Country.values)
    clean["audiences"] = _choices(record, "audiences", Audience.values)
    clean["age_groups"] = _choices(record, "age_groups", AgeGroup.values)
    clean["started"] = _date(record, "started")
    clean["ended"] = _date(record, "ended")
    if clean["started"] and clean["ended"] and clean["ended"] < clean["started"]:
        raise Invalid("ended is before started")
    clean["url"] = _url(record.get("url"), "url", max_length(PracticePage, "website"))
    clean["contact"] = _text(record.get("contact", ""), "contact", max_length(PracticePage, "contact"))
    clean["related"] = _related(record)
    return clean
