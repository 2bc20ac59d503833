"""What public pages show the same to every reader, rendered once and kept until something it shows changes.

A fragment's key holds what it depends on: the page's published version, the language, the address it
was asked at (JSON-LD and links are absolute), today's date (a practice's status turns to "ended") and
the site's content generation. The generation is a token in the default cache, shared by every process
(the database cache in production); any change a public page can show replaces it: a page published,
unpublished, moved or deleted, or a saved or deleted organisation, topic, scheme, relation, glossary
entry, helpline, journey, document, image, view restriction or site. Fragments themselves are kept in
each process's memory (the "fragments" cache): a new token leaves the old ones unread until they expire.

Previews and drafts never read or fill it: only a live page served as itself. Wagtail marks each preview
request (request.is_preview); Page.serve marks a served one, but a routed view (the listing's topics, an
organisation's page) is served without the mark, so no mark means served.
"""

import hashlib
import itertools
import uuid

from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.signals import page_published, page_unpublished, post_page_move

GENERATION_KEY = "page_cache:generation"
FRAGMENT_SECONDS = 24 * 3600
# What a public page shows besides its own fields: a change to any of these replaces the generation.
WATCHED_MODELS = (
    "wagtailcore.Page",
    "portal.HomePage",
    "practices.PracticeIndexPage",
    "practices.OrganisationPage",
    "practices.PracticePage",
    "practices.PracticeRelation",
    "practices.PracticeDocument",
    "practices.Organisation",
    "practices.Topic",
    "practices.Scheme",
    "practices.SchemeCounterpart",
    "search.GlossaryEntry",
    "portal.Helpline",
    "portal.Journey",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Site",
    "wagtaildocs.Document",
    "wagtailimages.Image",
)

_state = {"seen": None, "local": 0}
_changes = itertools.count(1)


def fragments():
    return caches["fragments"]


def generation():
    """The current content generation: the shared token (a new one if the cache lost it), and this process's changes."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    current = f"{token}:{_state['local']}"
    if current != _state["seen"]:
        # The glossary's expander trusts its copy for a few seconds; a fragment made under a new
        # generation must gloss with the glossary as it is now.
        from search import glossary

        glossary.forget()
        _state["seen"] = current
    return current


def renew():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def changed(**kwargs):
    """Something public pages show changed: this process sees it at once, every process once it is committed."""
    # At once, even inside the transaction that changes it (its own later reads, and tests, which never commit).
    _state["local"] = next(_changes)
    # Once per transaction (an import saves thousands of rows in one); at once outside a transaction.
    connection = transaction.get_connection()
    if not any(callback is renew for _savepoints, callback, _robust in connection.run_on_commit):
        transaction.on_commit(renew)


def fragment_key(name, context, *vary):
    """The cache key of a fragment of the page in `context` (and `vary`), or None where nothing may be cached."""
    request, page = context.get("request"), context.get("page")
    if request is None or page is None or getattr(request, "is_preview", False) or not page.live:
        return None
    if request.method not in ("GET", "HEAD"):
        return None
    token = getattr(request, "_page_cache_generation", None)
    if token is None:
        token = request._page_cache_generation = generation()
    parts = (
        name,
        page.pk,
        page.live_revision_id,
        page.last_published_at.isoformat() if page.last_published_at else "",
        get_language(),
        request.build_absolute_uri(request.path),
        timezone.localdate().isoformat(),
        token,
        *vary,
    )
    digest = hashlib.md5("\n".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()
    return f"page:{name}:{page.pk}:{digest}"


def cached(name, context, render, *vary, keep=None):
    """The fragment `name` of the page in `context`: from the cache, else render() and keep it (if keep() says so)."""
    key = fragment_key(name, context, *vary)
    if key is None:
        return render()
    fragment = fragments().get(key)
    if fragment is None:
        fragment = render()
        if keep is None or keep(fragment):
            fragments().set(key, fragment, FRAGMENT_SECONDS)
    return fragment


for _model in WATCHED_MODELS:
    post_save.connect(changed, sender=_model, dispatch_uid=f"page_cache_save_{_model}")
    post_delete.connect(changed, sender=_model, dispatch_uid=f"page_cache_delete_{_model}")
for _name, _signal in (("published", page_published), ("unpublished", page_unpublished), ("moved", post_page_move)):
    _signal.connect(changed, dispatch_uid=f"page_cache_{_name}")
