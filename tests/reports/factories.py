import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import (
    EvaluationText,
    GlossaryTerm,
    JobStatus,
    ReportJob,
    ReportKind,
    ReportSchedule,
)
from tests.planning.factories import PlanFactory

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ReportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportJob

    kind = ReportKind.INTERIM_EVALUATION
    plan = factory.SubFactory(PlanFactory)
    parameters = factory.LazyAttribute(lambda o: {"plan": o.plan.code})
    title = factory.Sequence(lambda n: f"Průběžné vyhodnocení {n}")

    @classmethod
    def finished(cls, published=False, **kwargs):
        job = cls(**kwargs)
        job.file.save(f"{job.pk}.pdf", ContentFile(MINIMAL_PDF), save=False)
        job.status = JobStatus.SUCCEEDED
        job.checksum = "0" * 64
        job.size = len(MINIMAL_PDF)
        job.pages = 1
        job.progress = 100
        job.finished_at = timezone.now()
        if published:
            job.published_at = timezone.now()
        job.save()
        return job


class ReportScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportSchedule

    name = factory.Sequence(lambda n: f"Pololetní vyhodnocení {n}")
    plan = factory.SubFactory(PlanFactory)


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    abbreviation = factory.Sequence(lambda n: f"ZK{n}")
    meaning = factory.Sequence(lambda n: f"Zkratka číslo {n}")


class EvaluationTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationText

    plan = factory.SubFactory(PlanFactory)
    year = 2023
    title = "Průběžné vyhodnocení I."
    issued_text = "Červen 2024"
    summary = "<p>Shrnutí.</p>"
