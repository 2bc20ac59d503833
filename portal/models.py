from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from search.results import card


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
        context["latest_results"] = [card(page, get_language()) for page in latest]
        context["topics"] = Topic.objects.all()
        context["practice_index"] = self.get_children().live().first()
        return context
