"""The shared vocabulary and the publishers: topics, voluntary schemes and organisations (snippets)."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.log_actions import log
from wagtail.models import Orderable
from wagtail.search import index

from ..vocabulary import LANGUAGE_CODES, Country, Region
from .bilingual import BilingualNameMixin, text_in


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


class SchemeForm(WagtailAdminModelForm):
    """The scheme with its counterparts: each pair is checked against the region being saved."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("counterpart_links")
        if formset is None:
            return cleaned
        if not cleaned.get("region"):
            return cleaned  # the region has its own error
        scheme = Scheme(pk=self.instance.pk, region=cleaned["region"])
        for form in formset.forms:
            if form in formset.deleted_forms or not form.is_valid():
                continue
            counterpart = form.cleaned_data.get("counterpart")
            if counterpart is not None and (error := counterpart_error(scheme, counterpart)):
                form.add_error("counterpart", error)
        return cleaned


class Scheme(BilingualNameMixin, index.Indexed, ClusterableModel):
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
        InlinePanel(
            "counterpart_links",
            label=_("Counterparts in the other region"),
            help_text=_("Name each counterpart once: it is shown on both schemes' pages."),
        ),
    ]
    base_form_class = SchemeForm
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

    def counterparts(self, lang=None):
        """The schemes named as counterparts of this one, from either side, each with the note in `lang`."""
        links = SchemeCounterpart.objects.filter(Q(scheme=self) | Q(counterpart=self)).select_related("scheme", "counterpart")
        pairs = []
        for link in links:
            other = link.counterpart if link.scheme_id == self.pk else link.scheme
            note, note_lang = text_in(link, "note", lang or get_language())
            pairs.append({"scheme": other, "note": note, "note_lang": note_lang})
        return sorted(pairs, key=lambda pair: pair["scheme"].slug)


def counterpart_error(scheme, counterpart):
    """Why `counterpart` cannot be named as the counterpart of `scheme`, or None."""
    if scheme.pk is not None and counterpart.pk == scheme.pk:
        return _("A scheme cannot be its own counterpart.")
    pairable = (Region.EU, Region.JP)
    if scheme.region not in pairable:
        return _("Only schemes of the European Union or Japan have counterparts: this scheme is in neither.")
    if counterpart.region not in pairable:
        return _("%(scheme)s is neither a European Union nor a Japanese scheme.") % {"scheme": counterpart}
    if counterpart.region == scheme.region:
        return _("%(scheme)s is in the same region (%(region)s): a counterpart is in the other region.") % {
            "scheme": counterpart,
            "region": counterpart.get_region_display(),
        }
    if scheme.pk is not None and SchemeCounterpart.objects.filter(scheme=counterpart, counterpart_id=scheme.pk).exists():
        return _("%(scheme)s already names this scheme as its counterpart: edit the note there.") % {"scheme": counterpart}
    return None


class SchemeCounterpart(Orderable):
    """Two schemes, one in each region, that do a similar job; shown on both schemes' pages."""

    scheme = ParentalKey(Scheme, on_delete=models.CASCADE, related_name="counterpart_links")
    counterpart = models.ForeignKey(
        Scheme, verbose_name=_("counterpart"), on_delete=models.CASCADE, related_name="counterpart_of"
    )
    note = models.CharField(_("how they differ"), max_length=300, blank=True, help_text=_("One line, in English and Japanese."))

    panels = [FieldPanel("counterpart"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["scheme", "counterpart"], name="one_counterpart_link_per_pair"),
            models.CheckConstraint(condition=~Q(scheme=models.F("counterpart")), name="counterpart_is_another_scheme"),
        ]
        verbose_name = _("counterpart")
        verbose_name_plural = _("counterparts")


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
