"""Practices that travelled: a later practice names the earlier one it was adapted from, inspired by or run with.

The relation is part of the later practice (a child of its page, like its documents), so it is saved in
its revisions and reaches readers only when the moderator approves the version that adds it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.models import Orderable

from ..vocabulary import Relation
from .pages import PracticePage


class PracticeRelation(Orderable):
    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="relations")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices, default=Relation.ADAPTED_FROM)
    target = models.ForeignKey(
        PracticePage,
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="relations_to",
        help_text=_("A published practice, in either region. Search by its title in English or Japanese."),
    )

    panels = [FieldPanel("relation"), PageChooserPanel("target", "practices.PracticePage")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "target"], name="one_relation_per_pair_of_practices")]
        verbose_name = _("related practice")
        verbose_name_plural = _("related practices")

    def clean(self):
        super().clean()
        if not self.target_id:
            return
        if self.target_id == self.page_id:
            raise ValidationError({"target": _("A practice cannot be related to itself.")})
        if not PracticePage.objects.filter(pk=self.target_id, live=True).exists():
            raise ValidationError({"target": _("Choose a published practice.")})
