"""The "get help now" block (CONTRACT §3a): helplines for the reader's region, on every public page."""

from django import template
from django.utils.safestring import mark_safe

from practices import page_cache

from ..help import help_context, reader_region

register = template.Library()


@register.simple_tag(takes_context=True)
def get_help(context):
    request = context.get("request")
    if request is None:
        return _render(context, {})

    def render():
        return _render(context, help_context(request, prominent=_is_urgent(context), distress=bool(context.get("distress"))))

    if request.META.get("QUERY_STRING"):
        # Its country chooser returns to this address: one kept per address with a query would be read once.
        return render()
    subject = context.get("subject")
    vary = (
        reader_region(request),
        bool(context.get("distress")),
        bool(context.get("journey")),
        context.get("subject_kind"),
        getattr(subject, "slug", None),
    )
    return mark_safe(page_cache.cached("get-help", context, render, *vary))


def _render(context, values):
    return context.template.engine.get_template("includes/get_help.html").render(context.new(values))


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
