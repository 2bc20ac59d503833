from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.log_actions import log
from wagtail.models import Orderable, Page
from wagtail.search import index

from search import documents as search_documents

from .vocabulary import LANGUAGE_CODES, AgeGroup, Audience, Country, Region

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
# Fields a practice carries once per language (modeltranslation adds the _en/_ja columns).
PRACTICE_TEXT_FIELDS = ("title", "summary", "body", "objectives", "outcomes", "lessons", "transfer")
ANALYSED = {"analyzer": "whitespace"}


class ChoiceListField(models.JSONField):
    """A list of values from a fixed set of choices, edited as checkboxes."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {key for key, _label in self.item_choices}
        unknown = [item for item in value or [] if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s"), params={"values": ", ".join(map(str, unknown))}
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


def text_in(obj, field, lang):
    """Return (value, language) for a translated field, falling back to the other language."""
    for code in (lang, *[c for c in LANGUAGE_CODES if c != lang]):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value, code
    return "", lang


class BilingualNameMixin:
    """Named in English, Japanese or both; at least one name is required."""

    def name_in(self, lang=None):
        return text_in(self, "name", lang or get_language())[0]

    def __str__(self):
        return self.name_in() or self.slug

    def clean(self):
        super().clean()
        if not any(getattr(self, f"name_{code}", "") for code in LANGUAGE_CODES):
            raise ValidationError({"name_en": _("Give a name in English, Japanese or both.")})


class Topic(BilingualNameMixin, index.Indexed, models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name_en"), index.SearchField("name_ja")]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Scheme(BilingualNameMixin, index.Indexed, models.Model):
    """A voluntary private-sector scheme, such as the ICT Coalition or EMA certification."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices, default=Region.GLOBAL)
    started = models.PositiveSmallIntegerField(_("year started"), null=True, blank=True)
    ended = models.PositiveSmallIntegerField(_("year ended"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("operator"),
        FieldRowPanel([FieldPanel("region"), FieldPanel("started"), FieldPanel("ended")]),
        FieldPanel("description"),
        FieldPanel("url"),
    ]
    search_fields = [index.SearchField("name_en"), index.SearchField("name_ja")]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("voluntary scheme")
        verbose_name_plural = _("voluntary schemes")

    @property
    def is_active(self):
        return self.ended is None

    def clean(self):
        super().clean()
        if self.started and self.ended and self.ended < self.started:
            raise ValidationError({"ended": _("A scheme cannot end before it started.")})


class Organisation(BilingualNameMixin, index.Indexed, models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("country"),
        FieldPanel("url"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name_en"), index.SearchField("name_ja")]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.ensure_page()

    def ensure_page(self):
        """Create the organisation's page under the practice listing, or keep its titles in step."""
        titles = {f"title_{code}": getattr(self, f"name_{code}") for code in LANGUAGE_CODES}
        page = OrganisationPage.objects.filter(organisation=self).first()
        if page is None:
            listing = PracticeIndexPage.objects.first()
            if listing is None:
                return None
            # Published as it is created: it only shows the organisation's snippet and practices,
            # and importers create hundreds at a time (a revision and publish took ~0.2 s each).
            now = timezone.now()
            page = OrganisationPage(
                organisation=self, slug=self.slug, live=True, first_published_at=now, last_published_at=now, **titles
            )
            listing.add_child(instance=page)
            log(instance=page, action="wagtail.publish", content_changed=True)
        elif any(getattr(page, name) != value for name, value in titles.items()):
            for name, value in titles.items():
                setattr(page, name, value)
            page.save_revision().publish()
        return page


class OwnLanguageCleanMixin:
    """Clean a page in the language of its own title.

    Wagtail cleans the plain `title`, which modeltranslation reads with fallback and writes in the
    active language: with the interface in English, a Japanese-only page would get its Japanese
    title copied into title_en. Cleaning in the page's own first language writes it back to itself.
    """

    def _own_language(self):
        return translation.override("en" if self.title_en else "ja")

    def full_clean(self, *args, **kwargs):
        with self._own_language():
            super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        with self._own_language():
            super().minimal_clean()


class ListingMixin:
    """Pages that list practices through the search engine, with the listing's filters."""

    def render_listing(self, request, fixed=None, template=None, **extra):
        from search.views import listing_context

        context = {**self.get_context(request), **listing_context(request, fixed), **extra}
        return TemplateResponse(request, template or self.get_template(request), context, status=context["status"])


class PracticeIndexPage(ListingMixin, RoutablePageMixin, Page):
    """The listing of practices, with a page per topic and per voluntary scheme."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["practices.OrganisationPage", "practices.PracticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("practice listing")

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
    ]

    search_fields = Page.search_fields + [
        # Analysed terms (search/analysis.py); Elasticsearch only splits them at spaces.
        index.SearchField("index_title", boost=4, es_extra=ANALYSED),
        index.SearchField("index_summary", boost=2, es_extra=ANALYSED),
        index.SearchField("index_names", boost=2, es_extra=ANALYSED),
        index.SearchField("index_text", es_extra=ANALYSED),
        index.AutocompleteField("index_autocomplete", es_extra=ANALYSED),
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
            listing=self.get_ancestors().type(PracticeIndexPage).first(),
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
            errors["summary_en"] = _(
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


class JoinApplication(models.Model):
    """An NGO's application to join, sent through the public form; a moderator accepts or declines it."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    organisation_name = models.CharField(_("organisation name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    website = models.URLField(_("website"), blank=True, max_length=500)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(
        _("preferred language"), max_length=2, choices=[("en", _("English")), ("ja", _("Japanese"))], default="en"
    )
    message = models.TextField(_("about the organisation and its work"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when a moderator accepts the application."),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application to join")
        verbose_name_plural = _("applications to join")

    def __str__(self):
        return self.organisation_name
