"""Factories for organisations and practices, for tests that do not test the importer."""

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from practices.models import Organisation, PracticePage


class OrganisationFactory(DjangoModelFactory):
    """An organisation; saving it creates its page under the practice listing."""

    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"ngo-{n}")
    name_en = factory.LazyAttribute(lambda o: f"NGO {o.slug}")
    country = "BE"


class PracticePageFactory(wagtail_factories.PageFactory):
    """A practice under its organisation's page, published through a revision as an editor's Publish does."""

    class Meta:
        model = PracticePage

    organisation = factory.SubFactory(OrganisationFactory)
    parent = factory.LazyAttribute(lambda o: o.organisation.page)
    slug = factory.Sequence(lambda n: f"practice-{n}")
    title_en = ""
    title_ja = ""
    title = factory.LazyAttribute(lambda o: o.title_en or o.title_ja)
    summary_en = ""
    summary_ja = ""
    countries = factory.LazyAttribute(lambda o: [o.organisation.country])

    @factory.post_generation
    def publish(page, create, extracted, **kwargs):
        if create:
            revision = page.save_revision()
            if extracted is not False:
                revision.publish()
