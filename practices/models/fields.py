"""Model fields of the practice data."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
# Fields a practice carries once per language (modeltranslation adds the _en/_ja columns).
PRACTICE_TEXT_FIELDS = ("title", "summary", "body", "objectives", "outcomes", "lessons", "transfer")


class ChoiceListField(models.JSONField):
    """A list of values from a fixed set of choices, edited as checkboxes."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {key for key, _label in self.item_choices}
        unknown = [item for item in value or [] if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s"), params={"values": ", ".join(map(str, unknown))}
            )

    def deconstruct(self):
        # Migrations name the field where it was first defined, before models became a package.
        name, _path, args, kwargs = super().deconstruct()
        return name, "practices.models.ChoiceListField", args, kwargs

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
