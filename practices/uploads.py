"""Who may see an uploaded image or document: its organisation and the moderators until a live practice uses it.

Editors upload into their organisation's collection (practices/permissions.py); Wagtail's collection
permission policy already says who may choose or change a file there. A document becomes public only
once a published page links it, so a draft's attachment is never served to outsiders.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .models import PracticeDocument

OWNER_ACTIONS = ["choose", "change"]


def used_by_live_page(document):
    """A published practice lists it, or a published page links it in its text."""
    if PracticeDocument.objects.filter(document=document, page__live=True).exists():
        return True
    # The reference index holds each page's saved (that is, live or never-published) content, not drafts.
    references = ReferenceIndex.get_references_to(document).filter(base_content_type=ContentType.objects.get_for_model(Page))
    return Page.objects.filter(pk__in=[int(pk) for pk in references.values_list("object_id", flat=True)], live=True).exists()


def may_see_unpublished(user, document):
    return user.is_authenticated and policy_registry.get_by_type(get_document_model()).user_has_any_permission_for_instance(
        user, OWNER_ACTIONS, document
    )


def refuse_unpublished_document(document, request):
    """before_serve_document: outsiders get the same 404 as for a document that does not exist."""
    if not used_by_live_page(document) and not may_see_unpublished(request.user, document):
        raise Http404("No document matches the given query.")


class OwnDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return (
            policy_registry.get_by_type(get_document_model())
            .instances_user_has_any_permission_for(self.request.user, OWNER_ACTIONS)
            .order_by("id")
        )


class OwnImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return (
            policy_registry.get_by_type(get_image_model())
            .instances_user_has_any_permission_for(self.request.user, OWNER_ACTIONS)
            .order_by("id")
        )
