"""Moving the indicator ↔ project links to the projects side keeps every row:
a database as it was (Indicator.project, IndicatorValue.half_year_report)
migrated forward has the same links in projects.ProjectIndicator and
projects.HalfYearReportValue, and migrated back has its columns again."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The directory's tables as they are now (renamed after the move out of planning).
DIRECTORY = ("directory", "0002_rename_tables")
BEFORE = [("indicators", "0003_delete_importbatch"), ("projects", "0002_directory_models"),
          DIRECTORY]
AFTER = [("indicators", "0005_project_links_in_projects"),
         ("projects", "0003_project_indicator_links"), DIRECTORY]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


# Applies migrations to a database migrated back, and unapplies them (10-25 s
# of CPU): `make test` runs it, `make test-fast` leaves it out (marker `slow`,
# README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_links_move_with_every_row_and_back(migrated_to):
    old = migrated_to(BEFORE)
    Territory = old.get_model("indicators", "Territory")
    Indicator = old.get_model("indicators", "Indicator")
    IndicatorValue = old.get_model("indicators", "IndicatorValue")
    Organisation = old.get_model("directory", "Organisation")
    Programme = old.get_model("projects", "Programme")
    Call = old.get_model("projects", "Call")
    Project = old.get_model("projects", "Project")
    HalfYearReport = old.get_model("projects", "HalfYearReport")

    home = Territory.objects.create(code="ostrava", name="Ostrava")
    implementer = Organisation.objects.create(name="Centrom z.s.")
    call = Call.objects.create(number="063", programme=Programme.objects.create(
        code="opz", name="Operační program Zaměstnanost"))
    projects = [Project.objects.create(registration_number=f"CZ.03.2.63/0.0/0.0/16_063/000{n}",
                                       title=f"Projekt {n}", call=call, implementer=implementer,
                                       total_budget=100)
                for n in range(2)]
    reports = [HalfYearReport.objects.create(
        project=project, number=1, total=2, period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30), submitted_on=date(2024, 7, 1), narrative="")
        for project in projects]
    linked = [Indicator.objects.create(code=f"P{n}", name=f"P{n}", kind="project",
                                       project=projects[n], home_territory=home)
              for n in range(2)]
    plain = Indicator.objects.create(code="G1", name="G1", kind="global", home_territory=home)
    values = {}
    for indicator, report in [(linked[0], reports[0]), (linked[1], reports[1]), (plain, None)]:
        values[indicator.code] = IndicatorValue.objects.create(
            indicator=indicator, territory=home, period_kind="year",
            period_start=date(2024, 1, 1), period_end=date(2024, 6, 30), period_text="2024",
            value=1, half_year_report=report)

    new = _migrate(AFTER)
    ProjectIndicator = new.get_model("projects", "ProjectIndicator")
    HalfYearReportValue = new.get_model("projects", "HalfYearReportValue")
    assert new.get_model("indicators", "Indicator").objects.count() == 3
    assert new.get_model("indicators", "IndicatorValue").objects.count() == 3
    assert set(ProjectIndicator.objects.values_list("indicator_id", "project_id")) == {
        (linked[n].pk, projects[n].pk) for n in range(2)}
    assert set(HalfYearReportValue.objects.values_list("value_id", "report_id")) == {
        (values["P0"].pk, reports[0].pk), (values["P1"].pk, reports[1].pk)}

    back = _migrate(BEFORE)
    assert set(back.get_model("indicators", "Indicator").objects
               .values_list("code", "project_id")) == {
        ("P0", projects[0].pk), ("P1", projects[1].pk), ("G1", None)}
    assert set(back.get_model("indicators", "IndicatorValue").objects
               .values_list("pk", "half_year_report_id")) == {
        (values["P0"].pk, reports[0].pk), (values["P1"].pk, reports[1].pk),
        (values["G1"].pk, None)}
