"""Translations of a practice's title and summary: who may supply them, and the provenance each keeps.

A practice is written in one language by its organisation; translators (volunteers from member
organisations, and the moderators) supply the other language's title and summary while it is in
review. Each translated field remembers who translated it and whether a moderator has reviewed it.
"""

from django.contrib.auth.models import Group

from .permissions import EDITOR_PAGE_PERMISSIONS, _admin_access, add_to_group, grant_page_permissions, is_moderator
from .vocabulary import LANGUAGE_CODES

TRANSLATORS = "Translators"
TRANSLATED_FIELDS = tuple(f"{field}_{code}" for field in ("title", "summary") for code in LANGUAGE_CODES)


def translators_group(moderators=None, by=None):
    """Translators may edit (never publish) every practice; moderators are translators too."""
    from .models import PracticeIndexPage

    group, _created = Group.objects.get_or_create(name=TRANSLATORS)
    _admin_access(group)
    listing = PracticeIndexPage.objects.first()
    if listing is not None:
        grant_page_permissions(group, listing, EDITOR_PAGE_PERMISSIONS, by=by)
    for user in moderators.user_set.all() if moderators else ():
        add_to_group(user, group, by=by)
    return group


def is_translator(user):
    return user.is_superuser or user.groups.filter(name=TRANSLATORS).exists() or is_moderator(user)


def display_name(user):
    return user.get_full_name() or user.get_username()


def updated_provenance(provenance, before, after, user):
    """The provenance after `user` changed the fields from `before` to `after` (dicts of field → text).

    A field that was empty and is now filled by a translator is a translation by them; a field
    emptied loses its provenance; a moderator saving a translated field has reviewed it.
    """
    provenance = {field: dict(entry) for field, entry in (provenance or {}).items() if field in TRANSLATED_FIELDS}
    translator = is_translator(user)
    reviewer = is_moderator(user)
    for field in TRANSLATED_FIELDS:
        old, new = (before.get(field) or "").strip(), (after.get(field) or "").strip()
        if not new:
            provenance.pop(field, None)
        elif not old and translator and any((after.get(other) or "").strip() for other in _other_language(field)):
            provenance[field] = {"by": display_name(user), "reviewed": reviewer}
        elif field in provenance and reviewer:
            provenance[field]["reviewed"] = True
    return provenance


def _other_language(field):
    name, _sep, code = field.rpartition("_")
    return [f"{name}_{other}" for other in LANGUAGE_CODES if other != code]


def original_language(page):
    """The language the practice was written in: the one whose title is not a translation."""
    for code in LANGUAGE_CODES:
        if getattr(page, f"title_{code}", "") and f"title_{code}" not in (page.translation_provenance or {}):
            return code
    return None


# Import/export (CONTRACT §5, docs/data-formats.md): "translations": {"title": {"en": {"by": "…", "reviewed": true}}}.
# The importer and exporter call these; a line whose "translations" is malformed is invalid.


def provenance_from_record(record):
    """The provenance a JSON Lines record carries, checked: (provenance, [reasons it is invalid])."""
    value = record.get("translations")
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, ['"translations" must be an object']
    provenance, errors = {}, []
    for field, by_language in value.items():
        if field not in ("title", "summary") or not isinstance(by_language, dict):
            errors.append(f'"translations": unknown field {field!r} (title or summary)')
            continue
        for code, entry in by_language.items():
            texts = record.get(field) or {}
            if code not in LANGUAGE_CODES:
                errors.append(f'"translations.{field}": unknown language {code!r}')
            elif not isinstance(entry, dict) or not isinstance(entry.get("by"), str) or not entry["by"].strip():
                errors.append(f'"translations.{field}.{code}" needs "by": the translator\'s name')
            elif not isinstance(entry.get("reviewed", False), bool):
                errors.append(f'"translations.{field}.{code}.reviewed" must be true or false')
            elif not (isinstance(texts, dict) and texts.get(code)):
                errors.append(f'"translations.{field}.{code}": the practice has no {field} in {code}')
            else:
                provenance[f"{field}_{code}"] = {"by": entry["by"].strip()[:200], "reviewed": entry.get("reviewed", False)}
    if provenance and not any(
        f"title_{code}" not in provenance for code in LANGUAGE_CODES if (record.get("title") or {}).get(code)
    ):
        errors.append('"translations": at least one language must be the original')
    return provenance, errors


def provenance_to_record(provenance):
    """The "translations" value an export writes, or None when every field is original."""
    out = {}
    for key, entry in sorted((provenance or {}).items()):
        field, _sep, code = key.rpartition("_")
        out.setdefault(field, {})[code] = {"by": entry["by"], "reviewed": bool(entry.get("reviewed"))}
    return out or None
