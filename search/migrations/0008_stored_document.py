from django.db import migrations

from search.backends.database import postgres


def store_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in postgres.SCHEMA:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    """PostgreSQL: the weighted tsvector stored in a generated column and indexed there (it was an expression
    index, so ranking computed every match's vector again from the text). SQLite: nothing changes."""

    dependencies = [("search", "0007_practice_card")]

    operations = [migrations.RunPython(store_document, migrations.RunPython.noop)]
