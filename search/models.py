import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class GlossaryEntry(index.Indexed, models.Model):
    """One child-online-safety concept with the terms people use for it in each language."""

    terms_en = models.TextField(_("English terms"), help_text=_("One term per line; the preferred term first."))
    terms_ja = models.TextField(_("Japanese terms"), help_text=_("One term per line; the preferred term first."))
    note = models.CharField(_("note"), max_length=250, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("terms_en"), FieldPanel("terms_ja"), FieldPanel("note")]
    search_fields = [index.SearchField("terms_en"), index.SearchField("terms_ja")]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary entries")

    def __str__(self):
        return f"{self.english[0] if self.english else ''} / {self.japanese[0] if self.japanese else ''}"

    @staticmethod
    def _lines(text):
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    @property
    def english(self):
        return self._lines(self.terms_en)

    @property
    def japanese(self):
        return self._lines(self.terms_ja)


class PracticeText(models.Model):
    """A practice's analysed text, per field, for the database engine's full-text index.

    SQLite indexes it with an FTS5 table and PostgreSQL with a weighted tsvector (migration
    0002); both rank title above summary and names, and those above the body, as the
    Elasticsearch field boosts do.
    """

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+")
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    names = models.TextField(blank=True)
    body = models.TextField(blank=True)
    autocomplete = models.TextField(blank=True)  # title words as analysed and as written, for prefixes
    # The summary's words per language ({"en": {"digest": …, "tokens": [[start, end, [terms]], …]}}),
    # so result lists highlight without analysing summaries again (search.query.highlight).
    summary_tokens = models.JSONField(null=True, blank=True)
    # What a result card shows, in both languages (search.documents.card_data): a result page reads this row.
    card = models.JSONField(null=True, blank=True)


class FacetValue(models.Model):
    """A practice's value for one facet, kept beside the database search index for filters and counts."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=80)

    class Meta:
        indexes = [models.Index(fields=["facet", "value", "page"])]
        constraints = [models.UniqueConstraint(fields=["page", "facet", "value"], name="unique_facet_value")]


class PendingIndexUpdate(models.Model):
    """An index change Elasticsearch could not take when it happened; `sync_search_index` replays it."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_pending_index_update")
        ]


class IndexVersion(models.Model):
    """Changes whenever the database engine's practice index does, so processes know to reload what they hold."""

    token = models.CharField(max_length=32)

    @classmethod
    def bump(cls):
        # A random token, not a counter: after a rolled-back transaction a counter would repeat.
        cls.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""


class PracticeVector(models.Model):
    """A sentence embedding of one language version of a practice (search/embeddings.py)."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    model = models.CharField(max_length=40)
    # Of the text embedded: a practice published again unchanged is not embedded again.
    digest = models.CharField(max_length=32)
    vector = models.BinaryField()  # float16, normalised
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "language"], name="unique_practice_vector")]
