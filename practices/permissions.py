"""Who may do what, set up with Wagtail's groups and page permissions.

Each organisation has an editors group with add/change permission on its organisation page,
so Wagtail itself keeps one NGO out of another's practices. Editors cannot publish: their
changes go through the moderation workflow (practices/workflows.py). Moderators may publish
anywhere under the listing and maintain the shared vocabulary. Every permission this module
grants or takes away is written to Wagtail's audit log.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.log_actions import log
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission
from wagtail.permission_policies.pages import PagePermissionPolicy

MODERATORS = "Moderators"
# Created by Wagtail's own migrations with add/change permission on the root page.
WAGTAIL_DEFAULT_EDITORS = "Editors"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# Editors upload and choose images and documents in their organisation's own collection.
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)
VOCABULARY_MODELS = (("practices", "topic"), ("practices", "scheme"), ("practices", "organisation"), ("search", "glossaryentry"))
# Moderators read and decide applications to join; they never add them in the admin.
APPLICATION_PERMISSIONS = ("view_joinapplication", "change_joinapplication", "delete_joinapplication")

page_permission_policy = PagePermissionPolicy()


def _page_permission(codename):
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _log_page_permissions(group, action, page, codenames, by):
    data = {"page": page.pk, "title": page.get_admin_display_title(), "permissions": sorted(codenames)}
    log(group, f"practices.{action}_page_permissions", user=by, data=data)


def grant_page_permissions(group, page, codenames, by=None):
    granted = [
        codename
        for codename in codenames
        if GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_page_permission(codename))[1]
    ]
    if granted:
        _log_page_permissions(group, "grant", page, granted, by)


def revoke_page_permissions(group, exclude_page=None, by=None):
    """Take away the group's page permissions on every page but `exclude_page`."""
    stale = GroupPagePermission.objects.filter(group=group).select_related("page", "permission")
    if exclude_page is not None:
        stale = stale.exclude(page=exclude_page)
    by_page = {}
    for permission in stale:
        by_page.setdefault(permission.page, []).append(permission.permission.codename)
    stale.delete()
    for page, codenames in by_page.items():
        _log_page_permissions(group, "revoke", page, codenames, by)


def _admin_access(group):
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


def organisation_collection(organisation):
    """The collection for the organisation's images and documents, named by its slug; created when missing."""
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=organisation.slug).first() or root.add_child(name=organisation.slug)


def editors_group_name(organisation):
    return f"Editors: {organisation.slug}"


def editors_group(organisation, by=None):
    """The group of an organisation's editors, with its page permissions; created when missing."""
    group, _created = Group.objects.get_or_create(name=editors_group_name(organisation))
    _admin_access(group)
    page = organisation.ensure_page()
    grant_page_permissions(group, page, EDITOR_PAGE_PERMISSIONS, by=by)
    collection = organisation_collection(organisation)
    for app_label, codename in EDITOR_COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
    return group


def add_to_group(user, group, by=None):
    """Put the user in the group, and log it on the user."""
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        log(user, "practices.add_to_group", user=by, data={"group": group.name})


def add_editor(user, organisation, by=None):
    group = editors_group(organisation, by=by)
    add_to_group(user, group, by=by)
    return group


def moderators_group(by=None):
    """The moderators group, with page permissions on the practice listing only; created when missing."""
    from .models import PracticeIndexPage

    group, _created = Group.objects.get_or_create(name=MODERATORS)
    _admin_access(group)
    listing = PracticeIndexPage.objects.first()
    # Wagtail's own migration gave "Moderators" publish permission on the root page (the whole site).
    revoke_page_permissions(group, exclude_page=listing, by=by)
    grant_page_permissions(group, listing, MODERATOR_PAGE_PERMISSIONS, by=by)
    for app_label, model in VOCABULARY_MODELS:
        content_type = ContentType.objects.get(app_label=app_label, model=model)
        group.permissions.add(*Permission.objects.filter(content_type=content_type))
    group.permissions.add(*Permission.objects.filter(content_type__app_label="practices", codename__in=APPLICATION_PERMISSIONS))
    return group


def disarm_wagtail_editors_group(by=None):
    """Wagtail's default "Editors" group may edit every page from the root: take its page permissions away."""
    group = Group.objects.filter(name=WAGTAIL_DEFAULT_EDITORS).first()
    if group is not None:
        revoke_page_permissions(group, by=by)


def is_moderator(user):
    """Moderators are those who may publish practices."""
    return user.is_active and page_permission_policy.user_has_permission(user, "publish")


def visible_to(user):
    """Pages the user may see in the admin's choosers: anything live, and drafts they may edit or publish."""
    if user.is_superuser:
        return Q()
    paths = {
        permission.page.path
        for permission in page_permission_policy.get_cached_permissions_for_user(user)
        if permission.permission.codename in ("change_page", "publish_page")
    }
    visible = Q(live=True)
    for path in paths:
        visible |= Q(path__startswith=path)
    return visible
