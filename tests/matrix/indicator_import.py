"""Reporting indicator values (indicators/views_import.py on core.imports): the
template and the import are for officers and implementers (each for what they
may report); everyone else signed in gets 403, visitors the login page. The
confirm is POST-only: a GET by those who pass the gate answers 405 - for their
own batch and for another user's alike (the POST refuses the latter). The page
of a confirmed import's job (core.imports.views) is for the user who confirmed
it, the progress of an upload being checked for its uploader; any other user
gets 404."""

from tests.indicators.factories import IndicatorFactory, ostrava
from tests.planning.factories import PlanFactory, PlanItemFactory

from . import LOGIN

REPORTERS = ("administrator", "city_officer", "implementer_x")


def _reporters(status):
    return {"anonymous": LOGIN, "no_role": 403, "manager_a": 403, "contact_a": 403,
            "member_a": 403, **dict.fromkeys(REPORTERS, status)}


def extend_world(world):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import PendingImport

    ostrava()
    # An impact indicator under the specific goal of measure_published (which
    # org X implements), and one under a goal whose measure X does not implement.
    own = IndicatorFactory.for_measure(world["measure_published"], code="imp-own")
    other_plan = PlanFactory(code="imp-other-plan", status="in_force")
    other = IndicatorFactory.for_measure(PlanItemFactory.measure(plan=other_plan),
                                         code="imp-other")
    users = world["users"]
    return {
        "indicator_import_own": own,
        "indicator_import_other": other,
        "import_batch_implementer": PendingImport.objects.create(
            importer="indicators.values", created_by=users["implementer_x"], file_name="x.xlsx",
            checksum="-", expires_at=timezone.now() + timedelta(days=1)),
        "import_batch_officer": PendingImport.objects.create(
            importer="indicators.values", created_by=users["city_officer"], file_name="o.xlsx",
            checksum="-", expires_at=timezone.now() + timedelta(days=1)),
        # A confirmed import waiting for a worker: its job page is its owner's.
        "import_job_officer": PendingImport.objects.create(
            importer="indicators.values", created_by=users["city_officer"], file_name="j.xlsx",
            checksum="-", expires_at=timezone.now() + timedelta(days=1), state="queued"),
        # An upload a worker is checking: its progress is its owner's.
        "import_check_officer": PendingImport.objects.create(
            importer="indicators.values", created_by=users["city_officer"], file_name="c.xlsx",
            checksum="-", expires_at=timezone.now() + timedelta(days=1), state="validating"),
    }


def _owner_only(owner):
    from . import SIGNED_IN

    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 404), owner: 200}


MATRIX = {
    "indicators:template": [("", lambda w: [], _reporters(200))],
    "indicators:import": [("", lambda w: [], _reporters(200))],
    "indicators:import_confirm": [
        ("own batch", lambda w: [w["import_batch_implementer"].pk], _reporters(405)),
        ("officer's batch", lambda w: [w["import_batch_officer"].pk], _reporters(405)),
    ],
    "core:import_job": [
        ("officer's job", lambda w: [w["import_job_officer"].pk], _owner_only("city_officer")),
    ],
    "core:import_job_progress": [
        ("officer's job", lambda w: [w["import_job_officer"].pk], _owner_only("city_officer")),
        ("officer's upload being checked", lambda w: [w["import_check_officer"].pk],
         _owner_only("city_officer")),
    ],
}
