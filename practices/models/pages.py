"""The pages: the practice listing, organisation pages, practices and their documents."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from search import documents as search_documents
from search.word_starts import word_starts

from .. import page_cache  # also connects what renews the cache of public pages
from ..editor import OwnLanguageFirstObjectList, PracticePageForm
from ..vocabulary import LANGUAGE_CODES, AgeGroup, Audience, Country
from .bilingual import OwnLanguageCleanMixin, text_in
from .fields import RICH_TEXT_FEATURES, ChoiceListField
from .snippets import Organisation, Scheme, Topic

ANALYSED = {"analyzer": "whitespace"}


class ListingMixin:
    """Pages that list practices through the search engine, with the listing's filters."""

    def render_listing(self, request, fixed=None, template=None, **extra):
        """The page with its filters and results (includes/listing.html), kept for the next reader of the same address.

        The listing is the same for every reader of one address (its filters, query and page number) until the
        index or a public page changes: the index version and the content generation are in its key. A listing
        answered in degraded mode (Elasticsearch away) or refused (a bad parameter) is not kept.
        """
        from search.models import IndexVersion
        from search.results import listing_context  # the one lazy import: search.results imports these models

        context = {**self.get_context(request), **extra}

        def render():
            listing = {**context, **listing_context(request, fixed)}
            html = render_to_string("includes/listing.html", listing, request)
            return {key: listing.get(key) for key in ("status", "distress", "degraded")} | {"html": html}

        part = page_cache.cached(
            "listing",
            context,
            render,
            sorted(request.GET.lists()),
            IndexVersion.current(),
            keep=lambda part: part["status"] == 200 and not part["degraded"],
        )
        context.update(listing=mark_safe(part["html"]), distress=part["distress"])
        return TemplateResponse(request, template or self.get_template(request), context, status=part["status"])


class PracticeIndexPage(ListingMixin, RoutablePageMixin, Page):
    """The listing of practices, with a page per topic and per voluntary scheme."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["practices.OrganisationPage", "practices.PracticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("practice listing")

    def route(self, request, path_components):
        if len(path_components) == 2:
            try:
                self.resolve_subpage(f"/{path_components[0]}/{path_components[1]}/")
            except Http404:
                # An organisation's practice: found by its address in one query, where Wagtail spends two
                # per level (the child, then its specific page); the organisation page need not be live.
                practice = PracticePage.objects.filter(url_path=f"{self.url_path}{path_components[0]}/{path_components[1]}/")
                if practice := practice.first():
                    return practice.route(request, [])
        return super().route(request, path_components)

    @path("")
    def index(self, request):
        return self.render_listing(request)

    @path("topics/<slug:slug>/")
    def topic(self, request, slug):
        subject = get_object_or_404(Topic, slug=slug)
        return self.render_listing(
            request, {"topic": [slug]}, "practices/subject_page.html", subject=subject, subject_kind="topic"
        )

    @path("schemes/<slug:slug>/")
    def scheme(self, request, slug):
        subject = get_object_or_404(Scheme, slug=slug)
        return self.render_listing(
            request, {"scheme": [slug]}, "practices/subject_page.html", subject=subject, subject_kind="scheme"
        )

    @path("travelled/")
    def travelled(self, request):
        from ..travelled import crossings  # it imports these models

        context = {**self.get_context(request), "groups": crossings(get_language())}
        return TemplateResponse(request, "practices/travelled.html", context)


class OrganisationPage(OwnLanguageCleanMixin, ListingMixin, Page):
    """An organisation's page and the folder of its practices: its editors' permissions are granted here."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="page"
    )

    content_panels = Page.content_panels + [FieldPanel("organisation")]
    parent_page_types = ["practices.PracticeIndexPage"]
    subpage_types = ["practices.PracticePage"]

    class Meta:
        verbose_name = _("organisation page")

    def serve(self, request, *args, **kwargs):
        return self.render_listing(
            request,
            {"organisation": [self.organisation.slug]},
            "practices/subject_page.html",
            subject=self.organisation,
            subject_kind="organisation",
        )


class PracticePage(OwnLanguageCleanMixin, Page):
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    objectives = RichTextField(_("objectives"), blank=True, features=RICH_TEXT_FEATURES)
    outcomes = RichTextField(_("outcomes and evidence of impact"), blank=True, features=RICH_TEXT_FEATURES)
    lessons = RichTextField(_("lessons learned"), blank=True, features=RICH_TEXT_FEATURES)
    transfer = RichTextField(
        _("transfer to the other region"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("What it would take to run this practice in Japan or in the EU."),
    )

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="practices",
        null=True,
        blank=True,
    )
    countries = ChoiceListField(_("countries"), item_choices=Country.choices)
    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="practices")
    schemes = ParentalManyToManyField(
        Scheme, verbose_name=_("voluntary schemes"), blank=True, related_name="practices"
    )
    audiences = ChoiceListField(_("audiences"), item_choices=Audience.choices)
    age_groups = ChoiceListField(_("age groups"), item_choices=AgeGroup.choices)
    started = models.DateField(_("started"), null=True, blank=True)
    ended = models.DateField(_("ended"), null=True, blank=True, help_text=_("Leave empty while it runs."))
    website = models.URLField(_("website"), blank=True, max_length=500)
    contact = models.CharField(_("contact"), max_length=250, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image description"), max_length=250, blank=True, help_text=_("Alternative text for the image.")
    )
    # Issue 10: who translated which field (practices/translation_workflow.py), e.g.
    # {"title_en": {"by": "Aiko Sato", "reviewed": true}}; fields absent from it are the original.
    translation_provenance = models.JSONField(_("translation provenance"), default=dict, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("objectives"),
        FieldPanel("outcomes"),
        FieldPanel("lessons"),
        FieldPanel("transfer"),
        MultiFieldPanel(
            [
                FieldPanel("countries"),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("schemes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audiences"),
                FieldPanel("age_groups"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("started"), FieldPanel("ended")]),
                FieldPanel("website"),
                FieldPanel("contact"),
            ],
            heading=_("Dates and contact"),
        ),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        InlinePanel("documents", label=_("Documents")),
        InlinePanel(
            "relations",
            label=_("Related practices"),
            help_text=_(
                "A practice this one was adapted from, inspired by or run in partnership with. "
                "Both practices show the link once a moderator approves this version."
            ),
        ),
    ]
    # One language is enough; the editor's language first; the slug made from the title (practices/editor.py).
    base_form_class = PracticePageForm
    edit_handler = TabbedInterface(
        [
            OwnLanguageFirstObjectList(content_panels, heading=_("Content")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        # Analysed terms (search/analysis.py); Elasticsearch only splits them at spaces.
        index.SearchField("index_title", boost=4, es_extra=ANALYSED),
        index.SearchField("index_summary", boost=2, es_extra=ANALYSED),
        index.SearchField("index_names", boost=2, es_extra=ANALYSED),
        index.SearchField("index_text", es_extra=ANALYSED),
        index.AutocompleteField("index_autocomplete", es_extra=ANALYSED),
        # The admin's page search (search/word_starts.py): Japanese words found inside sentences.
        index.AutocompleteField("index_admin_search", es_extra=ANALYSED),
        index.FilterField("organisation"),
        index.FilterField("started"),
        *[index.FilterField(f"facet_{name}") for name in ("topic", "scheme", "country", "audience", "age", "language")],
    ]

    parent_page_types = ["practices.OrganisationPage", "practices.PracticeIndexPage"]
    subpage_types = []
    index_prefetch = ("organisation", "topics", "schemes")

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    preview_modes = [("en", _("English")), ("ja", _("Japanese"))]

    def serve_preview(self, request, mode_name):
        # Preview each language as readers of /en/ or /ja/ see it; render inside the override.
        with translation.override(mode_name):
            request.LANGUAGE_CODE = mode_name
            response = super().serve_preview(request, mode_name)
            if hasattr(response, "render"):
                response.render()
            return response

    @property
    def languages(self):
        """The languages this practice is written in: those with both a title and a summary."""
        return [code for code in LANGUAGE_CODES if getattr(self, f"title_{code}") and getattr(self, f"summary_{code}")]

    def text_in(self, field, lang=None):
        return text_in(self, field, lang or get_language())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lang = get_language()
        headings = {
            "body": _("Description"),
            "objectives": _("Objectives"),
            "outcomes": _("Outcomes and evidence of impact"),
            "lessons": _("Lessons learned"),
            "transfer": _("Transferring it to the other region"),
        }
        sections = []
        for field, heading in headings.items():
            text, text_lang = self.text_in(field, lang)
            if text:
                sections.append({"heading": heading, "html": text, "lang": text_lang})
        title, title_lang = self.text_in("title", lang)
        summary, summary_lang = self.text_in("summary", lang)
        context.update(
            display_title=title,
            title_lang=title_lang,
            summary=summary,
            summary_lang=summary_lang,
            sections=sections,
            missing_language=lang not in self.languages,
            image_alt=self.text_in("image_alt", lang)[0],
            countries=[Country(code).label for code in self.countries],
            audiences=[Audience(code).label for code in self.audiences],
            age_groups=[AgeGroup(code).label for code in self.age_groups],
            # Only the parts of the page that are not cached yet ask for it (practices/page_cache.py).
            listing=SimpleLazyObject(lambda: self.get_ancestors().type(PracticeIndexPage).first()),
        )
        return context

    @property
    def status(self):
        return "ended" if self.ended and self.ended <= timezone.localdate() else "ongoing"

    def save(self, *args, **kwargs):
        # A practice belongs to the organisation whose page it sits under.
        if self.path and self.depth > 1:
            parent = self.get_parent().specific
            self.organisation_id = getattr(parent, "organisation_id", None)
        search_documents.forget(self)  # index text is computed afresh for the new content
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if PracticePage.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
            errors["slug"] = _("Another practice already uses this slug.")
        if not self.languages:
            writer = (getattr(self, "_writer_language", None) or get_language() or "en")[:2]
            writer = writer if writer in LANGUAGE_CODES else LANGUAGE_CODES[0]
            errors[f"summary_{writer}" if getattr(self, f"title_{writer}") else f"title_{writer}"] = _(
                "Write the title and summary in at least one language (English or Japanese)."
            )
        for code in LANGUAGE_CODES:
            if getattr(self, f"summary_{code}") and not getattr(self, f"title_{code}"):
                errors[f"title_{code}"] = _("A summary in this language needs a title in this language too.")
            if getattr(self, f"title_{code}") and not getattr(self, f"summary_{code}") and self.languages:
                errors[f"summary_{code}"] = _("A title in this language needs a summary in this language too.")
        if self.started and self.ended and self.ended < self.started:
            errors["ended"] = _("A practice cannot end before it started.")
        if errors:
            raise ValidationError(errors)

    # What the search index holds (see search/documents.py); facets are plain slugs and codes.
    # Each backend asks for them (the database index and its practice tables, Elasticsearch),
    # so they are computed once per saved version of the page.
    @search_documents.memoised
    def index_title(self):
        return search_documents.analysed_fields(self, "title")

    @search_documents.memoised
    def index_summary(self):
        return search_documents.analysed_fields(self, "summary")

    @search_documents.memoised
    def index_autocomplete(self):
        return search_documents.autocomplete_text(self)

    @search_documents.memoised
    def index_text(self):
        return search_documents.analysed_fields(self, "body", "objectives", "outcomes", "lessons", "transfer")

    @search_documents.memoised
    def index_names(self):
        return search_documents.analysed_names(self)

    @search_documents.memoised
    def index_admin_search(self):
        texts = [getattr(self, f"{field}_{code}") or "" for field in ("title", "summary") for code in LANGUAGE_CODES]
        return word_starts(*texts)

    def raw_japanese_text(self):
        return search_documents.raw_text(self, "ja")

    def facet_topic(self):
        return [topic.slug for topic in self.topics.all()]

    def facet_scheme(self):
        return [scheme.slug for scheme in self.schemes.all()]

    def facet_country(self):
        return list(self.countries)

    def facet_audience(self):
        return list(self.audiences)

    def facet_age(self):
        return list(self.age_groups)

    def facet_language(self):
        return self.languages


class PracticeDocument(Orderable):
    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class TranslationRequest(models.Model):
    """Readers asking for a practice in their language: a count per practice and language, nothing about who asked."""

    page = models.ForeignKey(PracticePage, on_delete=models.CASCADE, related_name="translation_requests")
    language = models.CharField(_("language"), max_length=2, choices=[("en", _("English")), ("ja", _("Japanese"))])
    count = models.PositiveIntegerField(_("requests"), default=0)
    updated_at = models.DateTimeField(_("last requested"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "language"], name="one_translation_request_counter")]
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
