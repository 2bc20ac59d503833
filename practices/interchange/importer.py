"""Import practices from JSON Lines (CONTRACT §5): validate every line against the file and the database, then write."""

import json
import logging
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from treebeard.exceptions import PathOverflow
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from portal.setup import ensure_page_tree
from search.backends import bulk_indexing

from ..models import PRACTICE_TEXT_FIELDS, Organisation, OrganisationPage, PracticePage, PracticeRelation, Scheme, Topic
from ..vocabulary import LANGUAGE_CODES
from .conversion import paragraphs_to_html
from .locking import import_lock
from .schema import Invalid, validate

VOCABULARY = {"topics": Topic, "schemes": Scheme}
INSERT_BATCH = 500
# Page.save() logs each page it creates here; so does the import, which writes them without it.
logger = logging.getLogger("wagtail")


class Unreadable(Exception):
    """The file itself cannot be read."""


@dataclass
class Record:
    line: int
    data: dict


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    valid: int = 0
    errors: list = field(default_factory=list)  # "line N: reason", in line order


def import_file(path, *, skip_invalid=False, dry_run=False, draft=False, allow_move=False, create_vocabulary=False):
    """Import a file as CONTRACT §5 says; nothing is written if any line is invalid, unless skip_invalid.

    Raises Unreadable for a file that cannot be opened and locking.ImportRunning while another import
    runs; the report lists invalid lines whether or not anything was written.
    """
    with import_lock():
        records, errors = read(path, allow_move=allow_move, create_vocabulary=create_vocabulary)
        report = Report(valid=len(records), errors=errors)
        if (errors and not skip_invalid) or dry_run:
            return report
        importer = Importer([record.data["slug"] for record in records], publish=not draft)
        # Indexed once at the end; the reference index (the admin's "usage" counts) is left to
        # `manage.py rebuild_references_index`, which the README suggests after large imports.
        indexed_later = (PracticePage, OrganisationPage, Organisation, Topic, Scheme)
        with bulk_indexing(*indexed_later), disable_reference_index_auto_update(), transaction.atomic():
            # Organisations and vocabulary in file order (the first line naming one creates it); then new
            # practices before changed ones, so that every practice a changed one relates to exists.
            for record in records:
                importer.prepare(record)
            for record in sorted(records, key=importer.is_update):
                importer.write(record)
            importer.finish()
        report.created, report.updated, report.unchanged = importer.created, importer.updated, importer.unchanged
        return report


def read(path, allow_move=False, create_vocabulary=False):
    """Parse and validate a file; return (records, errors) with errors as 'line N: reason'."""
    try:
        with open(path, "rb") as handle:
            lines = list(enumerate(handle, start=1))
    except OSError as error:
        raise Unreadable(f"{path}: {error.strerror}") from None
    records, errors, seen = [], [], {}
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
        seen[clean["slug"]] = number
        records.append(Record(number, clean))
    records = Checks(records, allow_move, create_vocabulary).kept(errors)
    records = with_known_relations(records, errors)
    return records, [f"line {number}: {reason}" for number, reason in sorted(errors)]


def with_known_relations(records, errors):
    """The records whose related practices are published or on a valid line of the file; errors get the others.

    A line may name a practice anywhere in the file (an export is in slug order); when that line is
    invalid, so is every line naming it, until none is left that names a missing practice.
    """
    wanted = {ref["slug"] for record in records for ref in record.data["related"]}
    published = set(PracticePage.objects.live().filter(slug__in=wanted).values_list("slug", flat=True))
    while True:
        known = published | {record.data["slug"] for record in records}
        kept = []
        for record in records:
            missing = [(i, ref["slug"]) for i, ref in enumerate(record.data["related"]) if ref["slug"] not in known]
            if missing:
                i, slug = missing[0]
                errors.append((record.line, f"related[{i}]: no published practice or valid line has slug {slug!r}"))
            else:
                kept.append(record)
        if len(kept) == len(records):
            return kept
        records = kept


class Checks:
    """What a line may not do to what the database (or an earlier line) holds."""

    def __init__(self, records, allow_move, create_vocabulary):
        self.records = records
        self.allow_move = allow_move
        self.create_vocabulary = create_vocabulary
        self.organisations = set(Organisation.objects.values_list("slug", flat=True))
        self.named = {r.data["organisation"]["slug"] for r in records if r.data["organisation"]}
        self.loose = set(PracticePage.objects.filter(organisation=None).values_list("slug", flat=True))
        self.loose |= {r.data["slug"] for r in records if not r.data["organisation"]}
        self.owners = dict(
            PracticePage.objects.filter(slug__in=[r.data["slug"] for r in records], organisation__isnull=False)
            .values_list("slug", "organisation__slug")
        )
        self.known = {kind: set(model.objects.values_list("slug", flat=True)) for kind, model in VOCABULARY.items()}
        self.creatable = set()

    def kept(self, errors):
        """The records that pass; the others are added to errors as (line, reason)."""
        kept = []
        for record in self.records:
            reason = self.problem(record.data)
            if reason:
                errors.append((record.line, reason))
            else:
                kept.append(record)
        return kept

    def problem(self, data):
        organisation = data["organisation"]
        slug = organisation["slug"] if organisation else None
        # Practices without an organisation sit beside the organisation pages, so their slugs must differ.
        if not organisation and data["slug"] in self.organisations | self.named:
            return f"slug {data['slug']!r} is an organisation's; give the practice its organisation or another slug"
        if organisation and slug not in self.organisations and slug in self.loose:
            return f"organisation slug {slug!r} is already a practice's slug"
        # The first line that names an organisation creates it, and an organisation has a country.
        if organisation and not organisation["country"] and slug not in self.organisations | self.creatable:
            return f"organisation.country is missing for the new {slug!r}"
        owner = self.owners.get(data["slug"])
        if owner and owner != slug and not self.allow_move:
            destination = repr(slug) if slug else "no organisation"
            return f"slug {data['slug']!r} belongs to organisation {owner!r}; --allow-move moves it to {destination}"
        if not self.create_vocabulary:
            for kind, known in self.known.items():
                for i, ref in enumerate(data[kind]):
                    if ref["slug"] not in known:
                        return (
                            f"{kind}[{i}]: unknown {kind[:-1]} {ref['slug']!r}; moderators keep the vocabulary "
                            "(--create-vocabulary adds it)"
                        )
        if organisation:
            self.creatable.add(slug)
        return None


class Importer:
    """Writes validated records: finds or creates the named things, then creates or updates pages."""

    def __init__(self, slugs=(), publish=True):
        self.publish = publish
        self.existing = set(PracticePage.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))
        self.listing = ensure_page_tree()
        self.created = self.updated = self.unchanged = 0
        self._last_paths = {}
        self._new_children = {}
        self._unsaved = []  # new pages not yet in the database (_insert_pages)
        self._new_pages = []
        self._links = []
        self._known = {}
        self._pks = {}  # practice slug -> pk, for relations
        self._new_relations = []  # (new page, its related refs), written in finish()

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

    def is_update(self, record):
        return record.data["slug"] in self.existing

    def prepare(self, record):
        """Find or create the record's organisation, topics and schemes."""
        data = record.data
        self.organisation(data["organisation"])
        for kind, model in VOCABULARY.items():
            for ref in data[kind]:
                self._find_or_create(model, ref)

    def _pk(self, slug):
        if slug not in self._pks:
            self._pks[slug] = PracticePage.objects.filter(slug=slug).values_list("pk", flat=True).get()
        return self._pks[slug]

    def relations(self, data, page_pk=None):
        return [
            PracticeRelation(page_id=page_pk, target_id=self._pk(ref["slug"]), relation=ref["relation"], sort_order=i)
            for i, ref in enumerate(data["related"])
        ]

    def values(self, data):
        values = {f"title_{code}": "" for code in LANGUAGE_CODES}
        for name in PRACTICE_TEXT_FIELDS:
            for code in LANGUAGE_CODES:
                text = data[name].get(code, "")
                values[f"{name}_{code}"] = text if name in ("title", "summary") else paragraphs_to_html(text)
        values.update(
            countries=data["countries"],
            audiences=data["audiences"],
            age_groups=data["age_groups"],
            started=data["started"],
            ended=data["ended"],
            website=data["url"],
            contact=data["contact"],
            translation_provenance=data["translations"],
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
            self._new_relations.append((self.create(parent, data["slug"], values, topics, schemes), data["related"]))
            self.created += 1
            if len(self._unsaved) >= INSERT_BATCH:
                self._insert_pages()
            return
        # An update may relate to a practice created above: every new page has its id from here on.
        self._insert_pages()
        relations = self.relations(data)
        if self._same(page, values, topics, schemes, relations):
            self.unchanged += 1
            return
        if page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page.refresh_from_db()
        for name, value in values.items():
            setattr(page, name, value)
        page.topics.set(topics)
        page.schemes.set(schemes)
        page.relations = relations  # stored with the revision; in the database when published
        revision = page.save_revision(clean=True)
        if self.publish:
            revision.publish()
        self.updated += 1

    def create(self, parent, slug, values, topics, schemes):
        """Add a new practice under its parent, published unless importing drafts.

        This is what add_child, save_revision and publish do for a new page, without the per-page
        queries they spend on pages that already exist: imports must run at hundreds of practices a
        second. The record was validated already; the page is written with others in one insert per
        table (_insert_pages), and finish() writes the revisions, topic and scheme links and the audit
        log in bulk.
        """
        now = timezone.now()
        page = PracticePage(
            slug=slug,
            live=self.publish,
            has_unpublished_changes=not self.publish,
            first_published_at=now if self.publish else None,
            last_published_at=now if self.publish else None,
            latest_revision_created_at=now,
            **values,
        )
        page.draft_title = values["title_en"] or values["title_ja"]
        page.depth = parent.depth + 1
        page.path = self._next_path(parent)
        page.locale_id = parent.locale_id
        page._cached_parent_obj = parent
        page.set_url_path(parent)
        # In memory only (the links written in finish() are what is stored): the revision records them,
        # and a new page has no documents or comments, which the revision would otherwise query for.
        page.topics = topics
        page.schemes = schemes
        for relation in get_all_child_relations(PracticePage):
            setattr(page, relation.get_accessor_name(), [])
        self._unsaved.append(page)
        return page

    def _insert_pages(self):
        """Write the pages create() prepared: what Page.save() does for each, as one insert per table and batch."""
        pages, self._unsaved = self._unsaved, []
        if not pages:
            return
        using = router.db_for_write(PracticePage)
        ops = connections[using].ops
        for page in pages:
            pre_save.send(sender=PracticePage, instance=page, raw=False, using=using, update_fields=None)
        base_fields = [f for f in Page._meta.local_concrete_fields if f is not Page._meta.auto_field]
        own_fields = PracticePage._meta.local_concrete_fields
        # Page rows first, returning their ids (SQLite and PostgreSQL both can); then the practice rows.
        size = ops.bulk_batch_size(base_fields, pages)
        for start in range(0, len(pages), size):
            batch = pages[start : start + size]
            rows = Page._base_manager._insert(batch, base_fields, returning_fields=Page._meta.db_returning_fields, using=using)
            for page, (pk,) in zip(batch, rows, strict=True):
                page.id = page.page_ptr_id = pk
        size = ops.bulk_batch_size(own_fields, pages)
        for start in range(0, len(pages), size):
            PracticePage._base_manager._insert(pages[start : start + size], own_fields, using=using)
        for page in pages:
            page._state.adding = False
            page._state.db = using
            logger.info(
                'Page created: "%s" id=%d content_type=practices.PracticePage path=%s', page.title, page.id, page.url_path
            )
            # Searched once the import's bulk_indexing block ends, as a saved page would be.
            post_save.send(sender=PracticePage, instance=page, created=True, update_fields=None, raw=False, using=using)
            self._links += [PracticePage.topics.through(practicepage_id=page.pk, topic_id=t.pk) for t in page.topics.all()]
            self._links += [PracticePage.schemes.through(practicepage_id=page.pk, scheme_id=s.pk) for s in page.schemes.all()]
            self._pks[page.slug] = page.pk
            self._new_pages.append(page)

    def _next_path(self, parent):
        last = self._last_paths.get(parent.pk)
        if last is None:
            # Not parent.get_last_child(): it trusts the parent's numchild as loaded, which is stale
            # once this import has added an organisation page under the listing.
            children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            path = children.order_by("-path").values_list("path", flat=True).first()
            last = Page._str2int(path[-Page.steplen :]) if path else 0
        if last + 1 >= len(Page.alphabet) ** Page.steplen:
            raise PathOverflow(f"no room for another page under {parent.url_path}")
        self._last_paths[parent.pk] = last + 1
        self._new_children[parent.pk] = self._new_children.get(parent.pk, 0) + 1
        return Page._get_path(parent.path, parent.depth + 1, last + 1)

    def finish(self):
        """Count new children on their parents, as add_child would; write revisions, links and audit log."""
        self._insert_pages()
        for parent_pk, count in self._new_children.items():
            Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + count)
        for through in (PracticePage.topics.through, PracticePage.schemes.through):
            through.objects.bulk_create([link for link in self._links if isinstance(link, through)], batch_size=500)
        relations = []
        for page, related in self._new_relations:
            page.relations = self.relations({"related": related}, page.pk)  # in memory too: the revision records them
            relations += page.relations.all()
        PracticeRelation.objects.bulk_create(relations, batch_size=500)
        self._write_revisions()

    def _write_revisions(self):
        """Each new practice's first revision (live unless drafts), as save_revision and publish record it."""
        pages = self._new_pages
        if not pages:
            return
        base_type = pages[0].get_base_content_type()
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=page.content_type_id,
                    base_content_type=base_type,
                    object_id=str(page.pk),
                    created_at=page.latest_revision_created_at,
                    content=page.serializable_data(),
                    object_str=str(page),
                )
                for page in pages
            ],
            batch_size=500,
        )
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision = revision
            if self.publish:
                page.live_revision = revision
        # Each new page's only revision, set by one UPDATE per 500 pages (bulk_update's CASE per row took
        # ~5 % of an import): the revision found by its indexed (base content type, object id).
        revision = Subquery(
            Revision.objects.filter(base_content_type=base_type, object_id=Cast(OuterRef("pk"), CharField()))
            .order_by("-pk")
            .values("pk")[:1]
        )
        fields = {"latest_revision": revision} | ({"live_revision": revision} if self.publish else {})
        for start in range(0, len(pages), 500):
            Page.objects.filter(pk__in=[page.pk for page in pages[start : start + 500]]).update(**fields)
        actions = ("wagtail.create", "wagtail.publish") if self.publish else ("wagtail.create",)
        PageLogEntry.objects.bulk_create(
            [
                PageLogEntry(
                    page_id=page.pk,
                    content_type_id=page.content_type_id,
                    label=page.draft_title,
                    action=action,
                    timestamp=page.latest_revision_created_at,
                    content_changed=True,
                    revision=page.latest_revision,
                )
                for page in pages
                for action in actions
            ],
            batch_size=500,
        )
        if self.publish:
            for page in pages:
                page_published.send(sender=PracticePage, instance=page, revision=page.latest_revision)

    def _same(self, page, values, topics, schemes, relations):
        stored = [(row.target_id, row.relation) for row in page.relations.all()]
        return (
            (page.live and not page.has_unpublished_changes or not self.publish)
            and all(getattr(page, name) == value for name, value in values.items())
            and set(page.topics.all()) == set(topics)
            and set(page.schemes.all()) == set(schemes)
            and stored == [(row.target_id, row.relation) for row in relations]
        )
