"""Import practices from JSON Lines (CONTRACT §5): validate every line, then write all or nothing."""

import datetime
import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, PageLogEntry
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from portal.setup import ensure_page_tree
from practices.models import PRACTICE_TEXT_FIELDS, Organisation, OrganisationPage, PracticePage, Scheme, Topic
from practices.vocabulary import LANGUAGE_CODES, AgeGroup, Audience, Country
from search.backends import bulk_indexing

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEXT_FIELDS = ("title", "summary", "body", "objectives", "outcomes", "lessons", "transfer")
FIELDS = {
    *TEXT_FIELDS,
    "slug",
    "organisation",
    "countries",
    "topics",
    "schemes",
    "audiences",
    "age_groups",
    "started",
    "ended",
    "url",
    "contact",
}
MAX_LENGTH = {"title": 255, "contact": 250, "slug": 80, "url": 500, "organisation.url": 200}
# Longest name each kind of named thing may have (the model fields' max_length).
NAME_LENGTH = {"organisation": 200, "topics": 120, "schemes": 200}
NAMED_KEYS = {"organisation": {"slug", "name", "country", "url", "description"}, "topics": {"slug", "name"}}
NAMED_KEYS["schemes"] = NAMED_KEYS["topics"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
is_url = URLValidator(schemes=["http", "https"])


class Invalid(ValueError):
    pass


def _text(value, path, max_length=None):
    if not isinstance(value, str):
        raise Invalid(f"{path} must be text")
    if "\x00" in value:
        raise Invalid(f"{path} contains a NUL character")
    value = value.strip()
    if max_length and len(value) > max_length:
        raise Invalid(f"{path} is longer than {max_length} characters")
    return value


def _bilingual(record, field, path=None, max_length=None):
    path = path or field
    value = record.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be an object with 'en' and/or 'ja' keys")
    unknown = sorted(set(value) - set(LANGUAGE_CODES))
    if unknown:
        raise Invalid(f"{path} has unknown language key {unknown[0]!r} (use 'en' or 'ja')")
    max_length = max_length or MAX_LENGTH.get(field)
    return {code: _text(text, f"{path}.{code}", max_length) for code, text in value.items()}


def _slug(value, path):
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > MAX_LENGTH["slug"]:
        raise Invalid(f"{path} must be lower-case ASCII kebab-case (a-z, 0-9, single hyphens), at most 80 characters")
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


def _named(item, path, kind):
    """A topic, scheme or organisation reference: a slug, or an object with slug and names."""
    if isinstance(item, str):
        return {"slug": _slug(item, path), "name": {}}
    if not isinstance(item, dict) or "slug" not in item:
        raise Invalid(f"{path} must be a slug or an object with a 'slug'")
    unknown = sorted(set(item) - NAMED_KEYS[kind])
    if unknown:
        raise Invalid(f"{path} has unknown field {unknown[0]!r}")
    name = _bilingual(item, "name", f"{path}.name", NAME_LENGTH[kind])
    return {"slug": _slug(item["slug"], f"{path}.slug"), "name": name}


@dataclass
class Record:
    line: int
    data: dict


def validate(record):
    """Return the cleaned record, or raise Invalid with the first problem found."""
    if not isinstance(record, dict):
        raise Invalid("a line must be a JSON object")
    unknown = sorted(set(record) - FIELDS)
    if unknown:
        raise Invalid(f"unknown field {unknown[0]!r}")
    if "slug" not in record:
        raise Invalid("slug is missing")
    clean = {"slug": _slug(record["slug"], "slug")}
    for field in TEXT_FIELDS:
        clean[field] = _bilingual(record, field)
    languages = [code for code in LANGUAGE_CODES if clean["title"].get(code) and clean["summary"].get(code)]
    if not languages:
        raise Invalid("title and summary are missing: at least one language needs both")
    for code in LANGUAGE_CODES:
        if bool(clean["title"].get(code)) != bool(clean["summary"].get(code)):
            raise Invalid(f"title.{code} and summary.{code} go together: give both or neither")

    organisation = record.get("organisation")
    clean["organisation"] = None
    if organisation is not None:
        clean["organisation"] = _named(organisation, "organisation", "organisation")
        country = organisation.get("country") if isinstance(organisation, dict) else None
        if country is not None and country not in Country.values:
            raise Invalid(f"organisation.country has unknown value {country!r}")
        clean["organisation"]["country"] = country
        url = organisation.get("url") if isinstance(organisation, dict) else None
        clean["organisation"]["url"] = _url(url, "organisation.url", MAX_LENGTH["organisation.url"]) if url else ""
        clean["organisation"]["description"] = (
            _bilingual(organisation, "description") if isinstance(organisation, dict) else {}
        )
    for field in ("topics", "schemes"):
        items = record.get(field, [])
        if not isinstance(items, list):
            raise Invalid(f"{field} must be a list")
        clean[field] = [_named(item, f"{field}[{i}]", field) for i, item in enumerate(items)]
    clean["countries"] = _choices(record, "countries", Country.values)
    clean["audiences"] = _choices(record, "audiences", Audience.values)
    clean["age_groups"] = _choices(record, "age_groups", AgeGroup.values)
    clean["started"] = _date(record, "started")
    clean["ended"] = _date(record, "ended")
    if clean["started"] and clean["ended"] and clean["ended"] < clean["started"]:
        raise Invalid("ended is before started")
    clean["url"] = _url(record.get("url"), "url", MAX_LENGTH["url"]) if record.get("url") else ""
    clean["contact"] = _text(record.get("contact", ""), "contact", MAX_LENGTH["contact"])
    return clean


def _url(value, path, max_length):
    if not isinstance(value, str):
        raise Invalid(f"{path} must be text")
    if len(value) > max_length:
        raise Invalid(f"{path} is longer than {max_length} characters")
    try:
        is_url(value)
    except ValidationError:
        raise Invalid(f"{path} must be an http:// or https:// address") from None
    return value


def paragraphs_to_html(text):
    """Plain text to rich text: a paragraph per blank-line-separated block, everything escaped."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return "".join("<p>" + escape(block).replace("\n", "<br/>") + "</p>" for block in blocks)


def read(path):
    """Parse and validate a file; return (records, errors) with errors as 'line N: reason'."""
    records, errors, seen, creatable = [], [], {}, set()
    try:
        with open(path, "rb") as handle:
            lines = list(enumerate(handle, start=1))
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None
    for number, raw in lines:
        # Each line is decoded on its own, so that --skip-invalid can skip one that is not UTF-8.
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            errors.append((number, f"not UTF-8 text (byte {error.start + 1})"))
            continue
        if not line.strip():
            continue
        try:
            clean = validate(json.loads(line))
        except json.JSONDecodeError as error:
            errors.append((number, f"invalid JSON ({error.msg} at column {error.colno})"))
            continue
        except RecursionError:
            errors.append((number, "invalid JSON (nested too deeply)"))
            continue
        except Invalid as problem:
            errors.append((number, str(problem)))
            continue
        if clean["slug"] in seen:
            errors.append((number, f"slug {clean['slug']!r} already used on line {seen[clean['slug']]}"))
            continue
        # The first line that names an organisation creates it, and an organisation has a country.
        organisation = clean["organisation"]
        if organisation and not organisation["country"] and organisation["slug"] not in creatable:
            if not Organisation.objects.filter(slug=organisation["slug"]).exists():
                errors.append((number, f"organisation.country is missing for the new {organisation['slug']!r}"))
                continue
        if organisation:
            creatable.add(organisation["slug"])
        seen[clean["slug"]] = number
        records.append(Record(number, clean))
    records = _without_slug_clashes(records, errors, creatable)
    return records, [f"line {number}: {reason}" for number, reason in sorted(errors)]


def _without_slug_clashes(records, errors, organisations_named):
    """Practices without an organisation sit beside the organisation pages, so their slugs must differ.

    Returns the records kept; the others are added to errors as (line, reason).
    """
    existing = set(Organisation.objects.values_list("slug", flat=True))
    organisation_slugs = existing | organisations_named
    loose = set(PracticePage.objects.filter(organisation=None).values_list("slug", flat=True))
    loose |= {record.data["slug"] for record in records if not record.data["organisation"]}
    kept = []
    for record in records:
        data = record.data
        if not data["organisation"] and data["slug"] in organisation_slugs:
            errors.append(
                (record.line, f"slug {data['slug']!r} is an organisation's; give the practice its organisation or another slug")
            )
        elif data["organisation"] and data["organisation"]["slug"] not in existing and data["organisation"]["slug"] in loose:
            errors.append((record.line, f"organisation slug {data['organisation']['slug']!r} is already a practice's slug"))
        else:
            kept.append(record)
    return kept


class Importer:
    """Writes validated records: finds or creates the named things, then creates or updates pages."""

    def __init__(self, slugs=(), publish=True):
        self.publish = publish
        self.existing = set(PracticePage.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))
        self.listing = ensure_page_tree()
        self.created = self.updated = self.unchanged = 0
        self._last_paths = {}
        self._new_children = {}
        self._log_entries = []
        self._links = []
        self._known = {}

    def _find_or_create(self, model, ref, extra=None):
        key = (model, ref["slug"])
        if key not in self._known:
            self._known[key] = self._find_or_create_uncached(model, ref, extra)
        return self._known[key]

    def _find_or_create_uncached(self, model, ref, extra):
        obj = model.objects.filter(slug=ref["slug"]).first()
        if obj is None:
            names = ref["name"] or {"en": ref["slug"]}
            obj = model(slug=ref["slug"], **{f"name_{code}": name for code, name in names.items()}, **(extra or {}))
            obj.full_clean()
            obj.save()
        return obj

    def organisation(self, ref):
        if ref is None:
            return None
        extra = {"country": ref["country"] or "", "url": ref["url"]}
        extra.update({f"description_{code}": text for code, text in ref["description"].items()})
        return self._find_or_create(Organisation, ref, extra)

    def values(self, data):
        values = {f"title_{code}": "" for code in LANGUAGE_CODES}
        for field in PRACTICE_TEXT_FIELDS:
            for code in LANGUAGE_CODES:
                text = data[field].get(code, "")
                values[f"{field}_{code}"] = text if field in ("title", "summary") else paragraphs_to_html(text)
        values.update(
            countries=data["countries"],
            audiences=data["audiences"],
            age_groups=data["age_groups"],
            started=data["started"],
            ended=data["ended"],
            website=data["url"],
            contact=data["contact"],
        )
        return values

    def write(self, record):
        data = record.data
        values = self.values(data)
        values["organisation"] = self.organisation(data["organisation"])
        topics = [self._find_or_create(Topic, ref) for ref in data["topics"]]
        schemes = [self._find_or_create(Scheme, ref) for ref in data["schemes"]]
        parent = values["organisation"].page if values["organisation"] else self.listing
        page = PracticePage.objects.filter(slug=data["slug"]).first() if data["slug"] in self.existing else None
        if page is None:
            self.create(parent, data["slug"], values, topics, schemes)
            self.created += 1
            return
        if self._same(page, values, topics, schemes):
            self.unchanged += 1
            return
        if page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page.refresh_from_db()
        for name, value in values.items():
            setattr(page, name, value)
        page.topics.set(topics)
        page.schemes.set(schemes)
        revision = page.save_revision(clean=True)
        if self.publish:
            revision.publish()
        self.updated += 1

    def create(self, parent, slug, values, topics, schemes):
        """Add a new practice under its parent, published unless importing drafts.

        This is what add_child and publish do for a new page, without the per-page queries
        they spend on pages that already exist: imports must run at hundreds of practices a
        second. The record was validated by validate() already. The page gets its first
        revision when someone edits it; the audit log records its creation and publication.
        """
        now = timezone.now()
        page = PracticePage(
            slug=slug,
            live=self.publish,
            has_unpublished_changes=not self.publish,
            first_published_at=now if self.publish else None,
            last_published_at=now if self.publish else None,
            **values,
        )
        page.draft_title = values["title_en"] or values["title_ja"]
        page.depth = parent.depth + 1
        page.path = self._next_path(parent)
        page.locale_id = parent.locale_id
        page._cached_parent_obj = parent
        page.save(clean=False, log_action=None)
        self._links += [PracticePage.topics.through(practicepage_id=page.pk, topic_id=t.pk) for t in topics]
        self._links += [PracticePage.schemes.through(practicepage_id=page.pk, scheme_id=s.pk) for s in schemes]
        actions = ("wagtail.create", "wagtail.publish") if self.publish else ("wagtail.create",)
        self._log_entries += [
            PageLogEntry(
                page_id=page.pk,
                content_type_id=page.content_type_id,
                label=page.draft_title,
                action=action,
                timestamp=now,
                content_changed=True,
            )
            for action in actions
        ]
        if self.publish:
            page_published.send(sender=PracticePage, instance=page, revision=None)

    def _next_path(self, parent):
        last = self._last_paths.get(parent.pk)
        if last is None:
            child = parent.get_last_child()
            last = child.path if child else None
        path = Page(path=last)._inc_path() if last else Page._get_path(parent.path, parent.depth + 1, 1)
        self._last_paths[parent.pk] = path
        self._new_children[parent.pk] = self._new_children.get(parent.pk, 0) + 1
        return path

    def finish(self):
        """Count new children on their parents, as add_child would; write topics, schemes and audit log."""
        for parent_pk, count in self._new_children.items():
            Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + count)
        PageLogEntry.objects.bulk_create(self._log_entries, batch_size=500)
        for through in (PracticePage.topics.through, PracticePage.schemes.through):
            through.objects.bulk_create([link for link in self._links if isinstance(link, through)], batch_size=500)

    def _same(self, page, values, topics, schemes):
        return (
            (page.live and not page.has_unpublished_changes or not self.publish)
            and all(getattr(page, name) == value for name, value in values.items())
            and set(page.topics.all()) == set(topics)
            and set(page.schemes.all()) == set(schemes)
        )


class Command(BaseCommand):
    help = "Import practices from a JSON Lines file (one practice per line)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--skip-invalid", action="store_true", help="Write the valid lines, report the others.")
        parser.add_argument("--dry-run", action="store_true", help="Validate only; write nothing.")
        parser.add_argument("--draft", action="store_true", help="Save as drafts instead of publishing.")

    def handle(self, path, skip_invalid=False, dry_run=False, draft=False, **options):
        records, errors = read(path)
        for message in errors:
            self.stderr.write(message)
        if errors and not skip_invalid:
            raise CommandError(f"{len(errors)} invalid line(s); nothing was imported.", returncode=1)
        if dry_run:
            self.stdout.write(f"{len(records)} valid line(s), {len(errors)} invalid; nothing written (dry run).")
            return
        importer = Importer([record.data["slug"] for record in records], publish=not draft)
        # Indexed once at the end; the reference index (the admin's "usage" counts) is left to
        # `manage.py rebuild_references_index`, which the README suggests after large imports.
        indexed_later = (PracticePage, OrganisationPage, Organisation, Topic, Scheme)
        with bulk_indexing(*indexed_later), disable_reference_index_auto_update(), transaction.atomic():
            for record in records:
                importer.write(record)
            importer.finish()
        self.stdout.write(
            f"{importer.created} created, {importer.updated} updated, {importer.unchanged} unchanged"
            + (f", {len(errors)} invalid line(s) skipped" if errors else "")
        )
