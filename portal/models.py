from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from practices.vocabulary import Country
from search.results import card

# Where a helpline serves: a member state, Japan, or the whole EU.
REGIONS = {code for code, _label in Country.choices} | {"EU"}


class HomePage(Page):
    """The portal's front page: what it is, a search box, and the latest practices."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["practices.PracticeIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from practices.models import PracticePage, Topic

        context = super().get_context(request, *args, **kwargs)
        latest = (
            PracticePage.objects.live()
            .select_related("organisation")
            .prefetch_related("topics", "schemes")
            .order_by("-first_published_at", "-pk")[:6]
        )
        language = get_language()
        # Lazy: the cached part of the page (practices/page_cache.py) asks for them only when it is rendered.
        context["latest_results"] = SimpleLazyObject(lambda: [card(page, language) for page in latest])
        context["topics"] = Topic.objects.all()
        context["practice_index"] = SimpleLazyObject(lambda: self.get_children().live().first())
        context["journeys"] = Journey.objects.all()
        return context


class Helpline(models.Model):
    """A helpline or reporting route shown in the "get help now" block; moderators keep it up to date."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency number")
        HELPLINE = "helpline", _("Helpline: talk to someone")
        REPORT = "report", _("Report illegal content")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("what it is for"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HELPLINE)
    phone = models.CharField(
        _("phone number"), max_length=40, blank=True, help_text=_("As people dial it in its country, e.g. 0120-0-78310.")
    )
    url = models.URLField(_("chat, form or website"), blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    ages = models.CharField(_("for whom"), max_length=200, blank=True)
    region = models.CharField(
        _("country or region"),
        max_length=2,
        help_text=_("An ISO country code such as JP or DE, or EU for a service of every member state."),
    )
    languages = models.CharField(_("languages"), max_length=100, blank=True, help_text=_("Language codes, e.g. ja or de, en."))
    source_url = models.URLField(_("source"), help_text=_("The page that states this number and its hours."))
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower comes first."))

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("purpose"),
        FieldPanel("phone"),
        FieldPanel("url"),
        FieldPanel("hours"),
        FieldPanel("ages"),
        FieldPanel("region"),
        FieldPanel("languages"),
        FieldPanel("source_url"),
        FieldPanel("last_verified"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("helpline")
        verbose_name_plural = _("helplines")

    def __str__(self):
        return f"{self.name} ({self.region})"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.region = (self.region or "").upper()
        if self.region not in REGIONS:
            raise ValidationError({"region": _("Use an EU member state's code, JP or EU.")})
        if not self.phone and not self.url:
            raise ValidationError(_("Give a phone number, a web address or both."))
        if self.phone and not self.tel:
            raise ValidationError({"phone": _("A phone number needs digits.")})

    @property
    def tel(self):
        """The number for a tel: link: digits only (and a leading # or + where dialled so)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if not digits:
            return ""
        prefix = self.phone.strip()[0]
        return (prefix if prefix in "#+" else "") + digits

    def is_stale(self, today=None):
        from datetime import date, timedelta

        today = today or date.today()
        return self.last_verified is None or self.last_verified < today - timedelta(days=365)


class Journey(models.Model):
    """A route into the site for one kind of reader (parents, teachers, NGOs), with plain-language guidance."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(_("one-line introduction"), blank=True)
    guidance = models.TextField(
        _("what you can do"), blank=True, help_text=_("Plain language. Separate steps with a blank line.")
    )
    audiences = models.CharField(
        _("audiences"),
        max_length=120,
        help_text=_("The practices' audiences this route lists, comma-separated: parents, educators, industry, …"),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("intro"),
        FieldPanel("guidance"),
        FieldPanel("audiences"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("reader's route")
        verbose_name_plural = _("readers' routes")

    def __str__(self):
        return self.title

    @property
    def audience_list(self):
        return [code.strip() for code in self.audiences.split(",") if code.strip()]

    @property
    def steps(self):
        return [step.strip() for step in (self.guidance or "").split("\n\n") if step.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        from practices.vocabulary import Audience

        unknown = [code for code in self.audience_list if code not in Audience.values]
        if unknown or not self.audience_list:
            raise ValidationError(
                {"audiences": _("Use these audiences: %(known)s.") % {"known": ", ".join(Audience.values)}}
            )
