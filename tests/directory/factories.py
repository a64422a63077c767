import factory

from directory.models import (
    BodyKind,
    City,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    SupportArea,
    Territory,
    TerritoryKind,
    WorkingGroup,
)


class SupportAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportArea
        django_get_or_create = ("numeral",)

    position = factory.Sequence(lambda n: n + 100)
    numeral = factory.Sequence(lambda n: f"X{n}")
    name = factory.Sequence(lambda n: f"Oblast podpory {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organizace {n}, z.s.")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    legal_form = "z.s."
    kind = OrganisationKind.NGO


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title_before = "Mgr."
    given_name = factory.Sequence(lambda n: f"Jana{n}")
    family_name = factory.Sequence(lambda n: f"Nováková{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda p: f"{p.given_name.lower()}@example.org")


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    kind = BodyKind.WORKING_GROUP
    name = factory.Sequence(lambda n: f"Pracovní skupina {n}")
    code = factory.Sequence(lambda n: f"PS{n}")
    manager = factory.SubFactory(PersonFactory)
    contact_person = factory.SubFactory(PersonFactory)
    target_group_description = "Popis cílové skupiny."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(WorkingGroupFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    member = factory.SubFactory(PersonFactory)
    substitute = factory.SubFactory(PersonFactory)


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"uzemi-{n}")
    name = factory.Sequence(lambda n: f"Území {n}")
    short_name = factory.Sequence(lambda n: f"U{n}")
    kind = TerritoryKind.MUNICIPALITY


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = "Testov"
    full_name = "Statutární město Testov"
    department = "Magistrát města Testova, odbor sociálních věcí"
    address = "Náměstí 1, Testov"
    currency = "CZK"
    currency_symbol = "Kč"


def the_city():
    """The one city of the portal: the existing row, or a new one."""
    return City.objects.order_by("pk").first() or CityFactory()
