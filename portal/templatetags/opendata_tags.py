from django import template

from portal import feeds

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_links(context):
    """The Atom feeds a page advertises in its <head>: all practices, and the page subject's own."""
    return feeds.feed_links(context.get("subject"), context.get("subject_kind"))
