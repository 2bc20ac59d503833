"""The review workflow: a practice, new or edited, gets its missing language's title and summary, then a moderator's approval."""

from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from .models import PracticeIndexPage, TranslationTask
from .permissions import disarm_wagtail_editors_group, moderators_group
from .translation_workflow import translators_group

# Names are data that Wagtail shows as they are, so they carry both languages.
PRACTICE_REVIEW = "Practice review / 事例の審査"
TRANSLATION = "Translation / 翻訳"
MODERATOR_REVIEW = "Moderator review / モデレーターの審査"
# Names of earlier versions, renamed in place so that running the set-up again keeps one workflow.
FORMER_NAMES = {PRACTICE_REVIEW: "Practice review", MODERATOR_REVIEW: "Moderator review"}


def _renamed(model, name):
    model.objects.filter(name=FORMER_NAMES[name]).exclude(name=name).update(name=name)


@transaction.atomic
def ensure_moderation(by=None):
    """Set up the groups and the "Practice review" workflow on the practice listing; running it again changes nothing."""
    listing = PracticeIndexPage.objects.first()
    if listing is None:
        return None
    moderators = moderators_group(by=by)
    translators = translators_group(moderators, by=by)
    disarm_wagtail_editors_group(by=by)
    _renamed(GroupApprovalTask, MODERATOR_REVIEW)
    _renamed(Workflow, PRACTICE_REVIEW)
    translation = TranslationTask.objects.filter(name=TRANSLATION).first() or TranslationTask.objects.create(name=TRANSLATION)
    translation.groups.set([translators])
    review = GroupApprovalTask.objects.filter(name=MODERATOR_REVIEW).first()
    if review is None:
        review = GroupApprovalTask.objects.create(name=MODERATOR_REVIEW)
    review.groups.set([moderators])
    workflow, _created = Workflow.objects.get_or_create(name=PRACTICE_REVIEW)
    # Translation first, so that the moderators review both languages; a bilingual practice passes it at once.
    for order, task in enumerate((translation, review)):
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    # The nearest workflow up the tree applies: this one covers the listing and everything under it.
    WorkflowPage.objects.update_or_create(page=listing, defaults={"workflow": workflow})
    return workflow
