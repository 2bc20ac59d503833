"""The translation step of the review workflow: done when the title and summary exist in every language."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from ..vocabulary import LANGUAGE_CODES


def is_bilingual(obj):
    """Whether the practice, as last saved (its latest revision), has a title and summary in every language."""
    if hasattr(obj, "get_latest_revision_as_object"):
        obj = obj.get_latest_revision_as_object()
    return all(getattr(obj, f"{field}_{code}", "") for field in ("title", "summary") for code in LANGUAGE_CODES)


class TranslationTask(AbstractGroupApprovalTask):
    """Translators (or the author) supply the missing language's title and summary; a bilingual practice passes at once.

    Saving the translation completes the step (practices/wagtail_hooks.py); the practice then goes on to the
    moderators. Unlike a group approval, the step does not lock the practice: its author may translate it too.
    """

    translation_step = True  # read by the notification templates: "To translate", not "To review"

    def start(self, workflow_state, user=None):
        revision = workflow_state.content_object.get_latest_revision()
        if revision is None or not is_bilingual(workflow_state.content_object):
            return super().start(workflow_state, user=user)
        # Already bilingual: passed without a notification, so no translator is asked for nothing.
        return TaskState.objects.create(
            workflow_state=workflow_state,
            revision=revision,
            task=self,
            status=TaskState.STATUS_APPROVED,
            finished_at=timezone.now(),
        )

    def locked_for_user(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if not (user.is_superuser or self._user_in_groups(user)):
            return []
        actions = [("reject", _("Request changes"), True)]
        if is_bilingual(obj):
            actions.append(("approve", _("Translation complete"), False))
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        # The step is complete only when the practice is bilingual, whatever a stale form posts.
        if action_name == "approve" and not is_bilingual(task_state.workflow_state.content_object):
            return
        super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups supply the title and summary in the missing language")

    class Meta:
        verbose_name = _("translation task")
        verbose_name_plural = _("translation tasks")
