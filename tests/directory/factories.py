import datetime

import factory

from directory.models import (
    AccessibilityGap,
    AccessibilityRequest,
    AccessibilityStatement,
    BodyKind,
    City,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    PrivacyDataKind,
    PrivacyNotice,
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


class AccessibilityStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessibilityStatement

    city = factory.LazyFunction(the_city)
    compliance = "partial"
    prepared_on = datetime.date(2026, 12, 1)
    method_cs = "Vlastní posouzení, testy axe a Nu Html Checker."
    method_en = "Self-assessment, axe and Nu Html Checker runs."
    contact_email = "pristupnost@testov.example"
    enforcement_cs = "Ministerstvo vnitra, odbor eGovernmentu."
    enforcement_en = "The Ministry of the Interior, eGovernment Department."


class AccessibilityGapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessibilityGap

    city = factory.LazyFunction(the_city)
    description_cs = factory.Sequence(lambda n: f"Netagované PDF č. {n}")
    description_en = factory.Sequence(lambda n: f"Untagged PDF no. {n}")
    criterion = "1.3.1"
    found_on = datetime.date(2026, 11, 1)


class AccessibilityRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessibilityRequest

    city = factory.LazyFunction(the_city)
    text = "Graf na stránce indikátoru nemá textovou alternativu."
    page = "/indicators/"
    email = "obcan@example.org"


class PrivacyNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyNotice

    city = factory.LazyFunction(the_city)
    dpo_name = "Mgr. Pověřená Osoba"
    dpo_email = "poverenec@testov.example"
    recipients_cs = "Veřejnost (zveřejněné zápisy)."
    recipients_en = "The public (published minutes)."
    published_cs = "Zveřejněné zápisy zůstávají, jak byly zveřejněny."
    published_en = "Published minutes stay as they were published."
    rights_cs = "Právo na přístup, opravu a výmaz; stížnost u ÚOOÚ."
    rights_en = "Access, rectification and erasure; a complaint to the Office."
    updated_on = datetime.date(2026, 12, 1)


class PrivacyDataKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyDataKind

    city = factory.LazyFunction(the_city)
    name_cs = factory.Sequence(lambda n: f"Kontakty členů {n}")
    name_en = factory.Sequence(lambda n: f"Members' contacts {n}")
    purpose_cs = "Vedení pracovních skupin."
    legal_basis = "public_task"
    retention_cs = "Po dobu členství."
