from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Practices")

    def ready(self):
        from wagtail.models import Page
        from wagtail.signals import workflow_submitted

        from .notifications import submission_receipt_notifier

        # Wagtail mails reviewers and, on a decision, the submitter; this adds the submitter's receipt.
        workflow_submitted.connect(submission_receipt_notifier, dispatch_uid="practices_submission_receipt")

        # wagtail-modeltranslation makes the English title required; a practice may be written
        # in Japanese only, and PracticePage.clean requires a title in at least one language.
        Page._meta.get_field("title_en").blank = True
