"""Applications from NGOs that want to publish here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..vocabulary import Country
from .snippets import Organisation


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
