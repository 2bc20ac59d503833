"""Helplines and reporting routes: the seed file's loader, and which of them a reader sees."""

from functools import cache
from pathlib import Path

from django.db import transaction

from practices.loaders import read_yaml

from .models import REGIONS, Helpline

HELPLINES_FILE = Path(__file__).parent / "data" / "helplines.yaml"
LANGUAGE_CODES = ("en", "ja")
TRANSLATED = ("name", "purpose", "hours", "ages")
PLAIN = ("region", "kind", "phone", "url", "languages", "source_url", "sort_order")
# Member states without a national child-helpline entry still get the EU-wide ones.
EU_REGIONS = REGIONS - {"JP", "EU"}


@cache
def _read(path=HELPLINES_FILE):
    return read_yaml(path)


def emergency_topics():
    """Slugs of the topics whose pages show the help block expanded."""
    return frozenset(_read().get("emergency_topics") or ())


@transaction.atomic
def load_helplines(path=HELPLINES_FILE):
    """Add the file's helplines that are missing; those moderators already keep are left as they are."""
    created = 0
    for item in _read(path)["helplines"]:
        if Helpline.objects.filter(slug=item["slug"]).exists():
            continue
        fields = {f"{key}_{code}": (item.get(key) or {}).get(code) or "" for key in TRANSLATED for code in LANGUAGE_CODES}
        fields.update({key: item[key] for key in PLAIN if item.get(key) is not None})
        helpline = Helpline(slug=item["slug"], last_verified=item.get("last_verified"), **fields)
        helpline.full_clean()
        helpline.save()
        created += 1
    return created


def for_region(region):
    """The helplines a reader in `region` (an ISO code, or None for the EU at large) should see, emergency first."""
    regions = {"JP"} if region == "JP" else {"EU", region} if region in EU_REGIONS else {"EU"}
    kinds = {Helpline.Kind.EMERGENCY: 0, Helpline.Kind.HELPLINE: 1, Helpline.Kind.REPORT: 2}
    return sorted(
        Helpline.objects.filter(region__in=regions),
        key=lambda h: (kinds.get(h.kind, 3), h.sort_order, h.region == "EU", h.slug),
    )
