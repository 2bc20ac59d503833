"""E-mail the portal sends besides Wagtail's own workflow notifications, each in its recipient's language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.mail import BaseWorkflowStateEmailNotifier, send_mail
from wagtail.users.models import UserProfile

from .permissions import MODERATORS


def admin_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_to_user(user, template, context, language=None, **mail_options):
    """Render practices/emails/<template>_subject.txt and <template>.txt in the user's language and send them."""
    language = language or UserProfile.get_for_user(user).get_preferred_language()
    return send_to_address(user.email, language, template, {"user": user, **context}, **mail_options)


def send_to_address(address, language, template, context, **mail_options):
    """Render practices/emails/<template>_subject.txt and <template>.txt in `language` and send them to one address."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"practices/emails/{template}_subject.txt", context).split())
        body = render_to_string(f"practices/emails/{template}.txt", context).strip()
    return send_mail(subject, body, [address], **mail_options)


def set_password_url(user):
    """A one-time link to Wagtail's set-password page (Django's password-reset token; it expires)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return admin_url(reverse("wagtailadmin_password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}))


def send_invitation(user, organisation):
    """Invite a new editor: a link to choose their own password, never a password in the mail."""
    send_to_user(
        user,
        "invitation",
        {
            "organisation": organisation,
            "set_password_url": set_password_url(user),
            "login_url": admin_url(reverse("wagtailadmin_login")),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


def notify_moderators_of_application(application):
    url = admin_url(reverse("wagtailsnippets_practices_joinapplication:inspect", args=[application.pk]))
    moderators = get_user_model().objects.filter(groups__name=MODERATORS, is_active=True).exclude(email="")
    for moderator in moderators:
        send_to_user(moderator, "application_received", {"application": application, "url": url})


class SubmissionReceiptNotifier(BaseWorkflowStateEmailNotifier):
    """Tell the submitter their practice reached the moderators (Wagtail mails only the reviewers)."""

    notification = "submitted"
    template_directory = "practices/emails/"

    def get_template_base_prefix(self, instance, **kwargs):
        return "receipt_"

    def get_recipient_users(self, workflow_state, **kwargs):
        return {workflow_state.requested_by} if workflow_state.requested_by else set()


submission_receipt_notifier = SubmissionReceiptNotifier()
