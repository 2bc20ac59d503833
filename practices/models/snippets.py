"""The shared vocabulary and the publishers: topics, voluntary schemes and organisations (snippets)."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.log_actions import log
from wagtail.search import index

from ..vocabulary import LANGUAGE_CODES, Country, Region
from .bilingual import BilingualNameMixin


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
        # The page models import this module; the app registry breaks the cycle.
        page_model = apps.get_model("practices", "OrganisationPage")
        page = page_model.objects.filter(organisation=self).first()
        if page is None:
            listing = apps.get_model("practices", "PracticeIndexPage").objects.first()
            if listing is None:
                return None
            # Published as it is created: it only shows the organisation's snippet and practices,
            # and importers create hundreds at a time (a revision and publish took ~0.2 s each).
            now = timezone.now()
            page = page_model(
                organisation=self, slug=self.slug, live=True, first_published_at=now, last_published_at=now, **titles
            )
            listing.add_child(instance=page)
            log(instance=page, action="wagtail.publish", content_changed=True)
        elif any(getattr(page, name) != value for name, value in titles.items()):
            for name, value in titles.items():
                setattr(page, name, value)
            page.save_revision().publish()
        return page
