"""Readers writing to the organisation behind a practice: by e-mail to its editors, each in their own language.

Nothing is stored: the message exists only in the e-mails. The editors' addresses are never shown to the
sender; the sender's address is the Reply-To of the editors' copy, so that they can answer.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import get_language

from .notifications import send_to_address, send_to_user
from .permissions import MODERATORS, editors_group_name


class NobodyToTell(Exception):
    """Neither the organisation nor the portal has anyone with an e-mail address to receive the message."""


def _active_members(group_name):
    users = get_user_model().objects.filter(groups__name=group_name, is_active=True).exclude(email="")
    return list(users.distinct().order_by("pk"))


def recipients(page):
    """(users, to_moderators): the organisation's active editors, else the portal's moderators."""
    if page.organisation is not None and (editors := _active_members(editors_group_name(page.organisation))):
        return editors, False
    moderators = _active_members(MODERATORS)
    if not moderators:
        raise NobodyToTell
    return moderators, True


def send_message(page, name, email, message):
    """Mail the message to each recipient in their language and a copy to the sender; return whether moderators got it."""
    users, to_moderators = recipients(page)
    context = {"page": page, "organisation": page.organisation, "name": name, "email": email, "message": message,
               "to_moderators": to_moderators}
    for user in users:
        send_to_user(user, "contact_message", context, reply_to=[email])
    send_to_address(email, get_language(), "contact_copy", context)
    return to_moderators
