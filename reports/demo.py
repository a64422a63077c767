"""The embedded demo's reports (`seed_demo` in the embedded default only):
the half-yearly schedule of the interim evaluation, and — like the city's
own June 2024 evaluation — one interim evaluation rendered by the portal and
published, so the public archive is not empty. Idempotent."""

from accounts.models import User
from directory.seed import CREATED, UNCHANGED
from planning.models import Plan

from . import services
from .models import JobStatus, ReportJob, ReportKind, ReportSchedule

PLAN_CODE = "psz-2022-2027"
SCHEDULE_NAME = "Průběžné vyhodnocení PSZ – 1. ledna a 1. července"


def load(*, stdout=None, summary, verbosity=1):
    plan = Plan.objects.filter(code=PLAN_CODE).first()
    if plan is None:
        return
    officer = User.objects.filter(username="urednik").first()
    if ReportSchedule.objects.filter(name=SCHEDULE_NAME).exists():
        summary.add(ReportSchedule, UNCHANGED)
    else:
        services.report_schedule_create(
            actor=officer, name=SCHEDULE_NAME, kind=ReportKind.INTERIM_EVALUATION, plan=plan,
            months="1,7", day_of_month=1, hour=6, minute=0, enabled=True, notify="")
        summary.add(ReportSchedule, CREATED)
    if ReportJob.objects.filter(plan=plan, status=JobStatus.SUCCEEDED).exists():
        summary.add(ReportJob, UNCHANGED)
        return
    # Rendered here and now (the worker may not run yet), through the same
    # service the worker calls.
    job = services.report_job_request(actor=officer, kind=ReportKind.INTERIM_EVALUATION,
                                      parameters={"plan": plan.code, "year": 2023})
    job = services.report_job_run(job_id=job.pk)
    services.report_job_publish(actor=officer, job=job)
    summary.add(ReportJob, CREATED)
