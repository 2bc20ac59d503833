"""Loaders for the vocabulary files in practices/data/ (docs/data-formats.md)."""

from pathlib import Path

import yaml
from django.db import transaction

from .models import Scheme, SchemeCounterpart, Topic
from .models.snippets import counterpart_error
from .vocabulary import LANGUAGE_CODES

DATA = Path(__file__).parent / "data"
TOPICS_FILE = DATA / "topics.yaml"
SCHEMES_FILE = DATA / "schemes.yaml"
DEMO_PRACTICES_FILE = DATA / "demo_practices.jsonl"


def read_yaml(path):
    """A data file's content, parsed by libyaml (the pure-Python loader took 25–45 ms for each vocabulary file,
    read again by every setup_portal and by most tests)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _bilingual(item, key):
    return {f"{key}_{code}": (item.get(key) or {}).get(code) or "" for code in LANGUAGE_CODES}


def _load(model, path, fields):
    """Create the entries that do not exist yet; entries moderators already have are left as they are."""
    created = 0
    for item in read_yaml(path):
        if model.objects.filter(slug=item["slug"]).exists():
            continue
        obj = model(slug=item["slug"], **fields(item))
        obj.full_clean()
        obj.save()
        created += 1
    return created


@transaction.atomic
def load_topics(path=TOPICS_FILE):
    return _load(Topic, path, lambda item: {**_bilingual(item, "name"), **_bilingual(item, "description")})


@transaction.atomic
def load_schemes(path=SCHEMES_FILE):
    def fields(item):
        return {
            **_bilingual(item, "name"),
            **_bilingual(item, "operator"),
            **_bilingual(item, "description"),
            "region": item.get("region") or "global",
            "started": item.get("started"),
            "ended": item.get("ended"),
            "url": item.get("url") or "",
        }

    created = _load(Scheme, path, fields)
    load_counterparts(path)
    return created


@transaction.atomic
def load_counterparts(path=SCHEMES_FILE):
    """Link the counterparts a scheme names where both schemes exist and neither names the other yet."""
    schemes = {scheme.slug: scheme for scheme in Scheme.objects.all()}
    created = 0
    for item in read_yaml(path):
        for pair in item.get("counterparts") or []:
            scheme, counterpart = schemes.get(item["slug"]), schemes.get(pair["slug"])
            if scheme is None or counterpart is None:
                continue
            if SchemeCounterpart.objects.filter(scheme__in=(scheme, counterpart), counterpart__in=(scheme, counterpart)).exists():
                continue
            if error := counterpart_error(scheme, counterpart):
                raise ValueError(f"{path}: {item['slug']} ↔ {pair['slug']}: {error}")
            link = SchemeCounterpart(scheme=scheme, counterpart=counterpart, **_bilingual(pair, "note"))
            link.full_clean()  # a note over its length fails here, on SQLite too
            link.save()
            created += 1
    return created
