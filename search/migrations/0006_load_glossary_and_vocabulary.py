"""A database that was only migrated has the shipped glossary, topics and schemes: cross-language search needs them.

Without the glossary, English→Japanese-only search fell from nDCG@10 0.82 to 0.18 on the held-out set
(issue 11). Like `setup_portal`, it adds only what is missing, so running both changes nothing.
"""

from pathlib import Path

import yaml
from django.db import migrations

from practices.vocabulary import LANGUAGE_CODES
from search.glossary import read_file

PRACTICES_DATA = Path(__file__).resolve().parents[2] / "practices" / "data"


def _bilingual(item, key):
    values = {f"{key}_{code}": (item.get(key) or {}).get(code) or "" for code in LANGUAGE_CODES}
    # modeltranslation's untranslated column holds the default language's value, else the other one.
    values[key] = next((values[f"{key}_{code}"] for code in LANGUAGE_CODES if values[f"{key}_{code}"]), "")
    return values


def _vocabulary(model, filename, fields):
    known = set(model.objects.values_list("slug", flat=True))
    items = yaml.safe_load((PRACTICES_DATA / filename).read_text(encoding="utf-8"))
    model.objects.bulk_create(model(slug=item["slug"], **fields(item)) for item in items if item["slug"] not in known)


def load(apps, schema_editor):
    GlossaryEntry = apps.get_model("search", "GlossaryEntry")
    known = {terms.splitlines()[0].strip() for terms in GlossaryEntry.objects.values_list("terms_en", flat=True) if terms}
    GlossaryEntry.objects.bulk_create(
        GlossaryEntry(terms_en="\n".join(en), terms_ja="\n".join(ja), note=note)
        for en, ja, note in read_file()
        if en[0] not in known
    )
    _vocabulary(
        apps.get_model("practices", "Topic"),
        "topics.yaml",
        lambda item: {**_bilingual(item, "name"), **_bilingual(item, "description")},
    )
    _vocabulary(
        apps.get_model("practices", "Scheme"),
        "schemes.yaml",
        lambda item: {
            **_bilingual(item, "name"),
            **_bilingual(item, "operator"),
            **_bilingual(item, "description"),
            "region": item.get("region") or "global",
            "started": item.get("started"),
            "ended": item.get("ended"),
            "url": item.get("url") or "",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_practice_vectors"),
        ("practices", "0002_joinapplication"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
