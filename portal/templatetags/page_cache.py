"""{% pagecache "name" %}…{% endpagecache %}: part of a public page, the same for every reader (practices/page_cache.py)."""

from django import template

from practices import page_cache

register = template.Library()


class PageCacheNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        return page_cache.cached(self.name, context, lambda: self.nodelist.render(context))


@register.tag
def pagecache(parser, token):
    """Nothing in it may depend on the reader: no CSRF token, cookie, query string or user."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted fragment name.")
    nodelist = parser.parse(("endpagecache",))
    parser.delete_first_token()
    return PageCacheNode(bits[1][1:-1], nodelist)
