from decimal import Decimal

import factory

from projects.models import Call, EuFund, Programme, Project, ProjectStatus
from tests.directory.factories import OrganisationFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = "opz-plus"
    name = "Operační program Zaměstnanost plus"
    short_name = "OPZ+"
    eu_fund = EuFund.ESF
    registration_number_pattern = r"^CZ\.03\.\d{2}\.\d{2}/\d{2}/\d{2}_(?P<call>\d{3})/\d{7}$"
    registration_number_example = "CZ.03.02.01/00/22_018/0001145"


def irop():
    return ProgrammeFactory(
        code="irop", name="Integrovaný regionální operační program", short_name="IROP",
        eu_fund=EuFund.ERDF, position=3,
        registration_number_pattern=r"^CZ\.06\.\d{2}\.\d{2}/\d{2}/\d{2}_(?P<call>\d{3})/\d{7}$",
        registration_number_example="CZ.06.04.02/00/22_014/0002527")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        django_get_or_create = ("programme", "number")

    programme = factory.SubFactory(ProgrammeFactory)
    number = "018"
    published_label = "018 OPZ+"
    initiative = "KPSV+"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    registration_number = factory.Sequence(lambda n: f"CZ.03.02.01/00/22_018/{n + 1:07d}")
    title = factory.Sequence(lambda n: f"Projekt {n}")
    call = factory.SubFactory(CallFactory)
    implementer = factory.SubFactory(OrganisationFactory)
    status = ProjectStatus.IN_PROGRESS
    total_budget = Decimal("1000000.00")
    is_published = True

    @factory.post_generation
    def measures(self, create, extracted, **kwargs):
        if create and extracted:
            self.measures.set(extracted)
