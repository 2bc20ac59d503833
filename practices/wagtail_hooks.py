"""The practices' admin: vocabulary snippets, applications to join, the editors' dashboard, reports and audit log actions."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, IndexView, InspectView, SnippetViewSet, SnippetViewSetGroup

from . import reports, uploads
from .models import JoinApplication, Organisation, OrganisationPage, PracticePage, Scheme, Topic, TranslationTask, is_bilingual
from .permissions import is_moderator, visible_to
from .views import InviteView


class VocabularyViewSet(SnippetViewSet):
    # The names are bilingual model fields: plain database search finds either language.
    search_backend_name = None
    search_fields = ["slug", "name_en", "name_ja"]
    copy_view_enabled = False


class TopicViewSet(VocabularyViewSet):
    model = Topic
    icon = "tag"
    list_display = ["__str__", "slug"]


class SchemeViewSet(VocabularyViewSet):
    model = Scheme
    icon = "pick"
    list_display = ["__str__", "operator", "region", "started", "ended"]
    list_filter = ["region"]


class OrganisationDeleteView(DeleteView):
    def form_valid(self, form):
        # Its page and practices refer to it (on_delete=PROTECT): say so rather than fail.
        if OrganisationPage.objects.filter(organisation=self.object).exists():
            messages.error(self.request, _("Delete the organisation's page and practices first."))
            return redirect(self.get_success_url())
        return super().form_valid(form)


class OrganisationViewSet(VocabularyViewSet):
    model = Organisation
    delete_view_class = OrganisationDeleteView
    icon = "group"
    list_display = ["__str__", "slug", "country"]
    list_filter = ["country"]


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = _("Vocabulary")
    menu_icon = "tag"
    menu_order = 210
    items = (TopicViewSet, SchemeViewSet, OrganisationViewSet)


def _invite_url(application, user):
    if application.status == JoinApplication.Status.NEW and user.has_perm("practices.change_joinapplication"):
        return reverse("practices_invite", args=[application.pk])
    return None


class ApplicationIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := _invite_url(instance, self.request.user):
            buttons.append(ListingMenuItem(_("Accept and invite"), url=url, icon_name="mail", priority=5))
        return buttons


class ApplicationInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        if url := _invite_url(self.object, self.request.user):
            return [HeaderButton(_("Accept and invite"), url=url, icon_name="mail")]
        return []


class JoinApplicationViewSet(SnippetViewSet):
    model = JoinApplication
    icon = "mail"
    menu_label = _("Applications to join")
    add_to_admin_menu = True
    menu_order = 220
    index_view_class = ApplicationIndexView
    inspect_view_enabled = True
    inspect_view_class = ApplicationInspectView
    copy_view_enabled = False
    list_display = ["organisation_name", "country", "contact_name", "status", "created_at"]
    list_filter = ["status", "country"]
    search_backend_name = None
    search_fields = ["organisation_name", "contact_name", "email"]
    # Editing only decides (declines, usually); accepting goes through the invite view.
    panels = [FieldPanel("status")]


register_snippet(VocabularyGroup)
register_snippet(JoinApplicationViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():
    report_urls = [
        path("translation-gaps/", reports.TranslationGapsView.as_view(), name="translation_gaps"),
        path(
            "translation-gaps/results/",
            reports.TranslationGapsView.as_view(results_only=True),
            name="translation_gaps_results",
        ),
        path("stale/", reports.StalePracticesView.as_view(), name="stale"),
        path("stale/results/", reports.StalePracticesView.as_view(results_only=True), name="stale_results"),
    ]
    return [
        path("practice-reports/", include((report_urls, "practices_reports"))),
        path("join-applications/<int:pk>/invite/", InviteView.as_view(), name="practices_invite"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_reports_menu_item")
def register_translation_gaps_menu_item():
    url = reverse("practices_reports:translation_gaps")
    return ModeratorMenuItem(_("Translation gaps"), url, name="translation-gaps", icon_name="globe", order=150)


@hooks.register("register_reports_menu_item")
def register_stale_menu_item():
    url = reverse("practices_reports:stale")
    return ModeratorMenuItem(_("Stale practices"), url, name="stale-practices", icon_name="time", order=160)


class OrganisationPracticesPanel(Component):
    """The editor's organisations, each with its practices and where they stand in review."""

    name = "organisation_practices"
    template_name = "practices/admin/organisation_practices_panel.html"
    order = 100

    def __init__(self, organisation_pages):
        self.organisation_pages = organisation_pages

    @staticmethod
    def status(page):
        state = page.current_workflow_state
        if state and state.status == state.STATUS_NEEDS_CHANGES:
            return _("changes requested"), "w-status--primary"
        if state and state.status == state.STATUS_IN_PROGRESS:
            return _("in review"), "w-status--label"
        if page.live and page.has_unpublished_changes:
            return _("published, with changes not yet submitted"), "w-status--primary"
        if page.live:
            return _("published"), "w-status--primary"
        return _("draft"), ""

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        organisations = []
        for org_page in self.organisation_pages:
            practices = []
            for page in PracticePage.objects.child_of(org_page).order_by("-latest_revision_created_at"):
                label, classname = self.status(page)
                practices.append({"page": page, "languages": page.languages, "status": label, "status_class": classname})
            add_url = None
            if org_page.permissions_for_user(request.user).can_add_subpage():
                add_url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", org_page.pk])
            organisations.append(
                {"slug": org_page.slug, "name": org_page.organisation.name_in(), "practices": practices, "add_url": add_url}
            )
        return {"organisations": organisations, "request": request}


@hooks.register("construct_homepage_panels")
def add_organisation_practices_panel(request, panels):
    # Editors: the organisation pages they were given permissions on. Moderators have Wagtail's review panel.
    if request.user.is_superuser or is_moderator(request.user):
        return
    pages = OrganisationPage.objects.filter(
        group_permissions__group__user=request.user, group_permissions__permission__codename="change_page"
    ).select_related("organisation").distinct()
    if pages:
        panels.append(OrganisationPracticesPanel(list(pages)))


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_of_others(pages, request):
    """Link choosers list published pages, and drafts only to those who may edit them."""
    return pages.filter(visible_to(request.user))


@hooks.register("construct_page_chooser_queryset")
def relate_to_published_practices_only(pages, request):
    """The related-practice chooser (practices/models/relations.py) offers published practices, not drafts."""
    if request.GET.get("page_type", "").lower() != "practices.practicepage":
        return pages
    return pages.exclude(content_type=ContentType.objects.get_for_model(PracticePage), live=False)


# The audit log entries this app writes (practices/permissions.py, forms.py, views.py): label and message.
LOG_ACTIONS = {
    "practices.grant_page_permissions": (_("Grant page permissions"), _('Granted %(permissions)s on "%(title)s"')),
    "practices.revoke_page_permissions": (_("Revoke page permissions"), _('Revoked %(permissions)s on "%(title)s"')),
    "practices.add_to_group": (_("Add to group"), _('Added to group "%(group)s"')),
    "practices.invite_editor": (_("Invite editor"), _("Invited as an editor of %(organisation)s")),
    "practices.accept_application": (_("Accept application"), _("Accepted; organisation %(organisation)s created")),
}


class DataLogFormatter(LogFormatter):
    """A message filled in from the log entry's data."""

    def format_message(self, log_entry):
        data = dict(log_entry.data or {})
        if isinstance(data.get("permissions"), list):
            data["permissions"] = ", ".join(data["permissions"])
        return self.message % data


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action)(type("Formatter", (DataLogFormatter,), {"label": label, "message": message}))


# Uploads stay with their organisation and the moderators until a live practice uses them (practices/uploads.py).
hooks.register("before_serve_document", uploads.refuse_unpublished_document)


@hooks.register("construct_admin_api", order=100)
def admin_api_lists_own_uploads(router):
    # After Wagtail's own hooks, which list every image and document to anyone signed in.
    router.register_endpoint("documents", uploads.OwnDocumentsAdminAPIViewSet)
    router.register_endpoint("images", uploads.OwnImagesAdminAPIViewSet)


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    # Wagtail's confirmation page would otherwise show both titles, drafts of other organisations included.
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("insert_global_admin_css")
def editor_css():
    return format_html('<link rel="stylesheet" href="{}">', static("practices/editor.css"))


@hooks.register("after_edit_page")
def complete_translation_step(request, page):
    """Saving the missing title and summary, by a translator or the author, completes the translation step."""
    task_state = page.current_workflow_task_state
    in_translation = task_state and task_state.status == task_state.STATUS_IN_PROGRESS
    if in_translation and isinstance(task_state.task.specific, TranslationTask) and is_bilingual(page):
        task_state.approve(user=request.user)
        messages.success(request, _("The translation is complete: the practice goes on to the moderators."))
