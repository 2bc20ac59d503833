"""The "get help now" block (CONTRACT §3a): helplines for the reader's region, on every public page."""

from django import template

from ..help import help_context

register = template.Library()


@register.inclusion_tag("includes/get_help.html", takes_context=True)
def get_help(context):
    request = context.get("request")
    if request is None:
        return {}
    return help_context(request, prominent=_is_urgent(context), distress=bool(context.get("distress")))


def _is_urgent(context):
    """Expanded on a distress search, the readers' routes, and emergency topics and their practices."""
    from .. import helplines

    if context.get("distress") or context.get("journey"):
        return True
    urgent = helplines.emergency_topics()
    subject = context.get("subject")
    if context.get("subject_kind") == "topic" and getattr(subject, "slug", None) in urgent:
        return True
    page = context.get("page")
    topics = getattr(getattr(page, "specific", None), "topics", None)
    if topics is not None and hasattr(topics, "all"):
        return any(topic.slug in urgent for topic in topics.all())
    return False

