"""Who may do what, set up with Wagtail's groups and page permissions.

Each organisation has an editors group with add/change permission on its organisation page,
so Wagtail itself keeps one NGO out of another's practices. Editors cannot publish: their
changes go through the moderation workflow. Moderators may publish anywhere under the listing
and maintain the shared vocabulary.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import GroupPagePermission

MODERATORS = "Moderators"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
VOCABULARY_MODELS = (("practices", "topic"), ("practices", "scheme"), ("practices", "organisation"), ("search", "glossaryentry"))


def _page_permissions(group, page, codenames):
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _admin_access(group):
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


def editors_group(organisation):
    """The group of an organisation's editors, with its page permissions; created when missing."""
    group, _created = Group.objects.get_or_create(name=f"Editors: {organisation.slug}")
    _admin_access(group)
    page = organisation.ensure_page()
    _page_permissions(group, page, EDITOR_PAGE_PERMISSIONS)
    return group


def moderators_group():
    from .models import PracticeIndexPage

    group, _created = Group.objects.get_or_create(name=MODERATORS)
    _admin_access(group)
    _page_permissions(group, PracticeIndexPage.objects.first(), MODERATOR_PAGE_PERMISSIONS)
    for app_label, model in VOCABULARY_MODELS:
        content_type = ContentType.objects.get(app_label=app_label, model=model)
        group.permissions.add(*Permission.objects.filter(content_type=content_type))
    return group
