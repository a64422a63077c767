"""Objects and workbooks for the value import tests."""

import io

from openpyxl import Workbook, load_workbook

from indicators.imports import BY_KEY, HEADERS, SHEET_TITLE
from indicators.models import IndicatorKind
from tests.directory.factories import OrganisationFactory
from tests.indicators.factories import IndicatorFactory, ostrava, region
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.projects.factories import ProjectFactory


def reporting_world(organisation, *, prefix="R"):
    """An impact indicator under a specific goal whose measure `organisation`
    implements ("own"), one under a goal it does not implement ("other"), a
    project indicator of its project ("project") and a composite impact
    indicator of its goal ("composite")."""
    ostrava()
    msk = region()
    plan = PlanFactory(code=f"{prefix.lower()}-plan", status="in_force")
    own_measure = PlanItemFactory.measure(plan=plan, implementers=[organisation])
    other_plan = PlanFactory(code=f"{prefix.lower()}-other", status="in_force")
    other_measure = PlanItemFactory.measure(plan=other_plan,
                                            implementers=[OrganisationFactory()])
    own = IndicatorFactory.for_measure(own_measure, code=f"{prefix}-own",
                                       name="Počet klientů", comparison_territory=msk)
    other = IndicatorFactory.for_measure(other_measure, code=f"{prefix}-other",
                                         name="Cizí ukazatel")
    composite = IndicatorFactory.for_measure(
        own_measure, code=f"{prefix}-composite", name="Kapacita",
        part_labels=["muži", "ženy", "děti", "celkem"])
    project = ProjectFactory(implementer=organisation)
    project_indicator = IndicatorFactory(kind=IndicatorKind.PROJECT, project=project,
                                         code=f"{prefix}-project", name="Podpoření klienti")
    return {"own": own, "other": other, "composite": composite, "project": project_indicator,
            "own_measure": own_measure, "other_measure": other_measure, "msk": msk}


def sheet_bytes(rows, *, headers=None, title=SHEET_TITLE, start_row=2):
    """A workbook with `headers` (the template's by default) and `rows`:
    dicts of column key -> cell value, or lists of cell values."""
    headers = list(HEADERS if headers is None else headers)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for number, row in enumerate(rows, start=start_row):
        if isinstance(row, dict):
            for key, value in row.items():
                column = headers.index(BY_KEY[key].header) + 1
                sheet.cell(row=number, column=column, value=value)
        else:
            for column, value in enumerate(row, start=1):
                sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fill_template(content, values, *, extra=()):
    """Fill a downloaded template: `values` = {code: {key: cell}}; `extra`
    rows (dicts with a code) are appended below the prefilled ones."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET_TITLE]
    column = {c: HEADERS.index(BY_KEY[c].header) + 1 for c in BY_KEY}
    last = 1
    for number in range(2, sheet.max_row + 1):
        code = sheet.cell(row=number, column=column["code"]).value
        if code is None:
            continue
        last = number
        for key, value in values.get(code, {}).items():
            sheet.cell(row=number, column=column[key], value=value)
    for offset, row in enumerate(extra, start=1):
        for key, value in row.items():
            sheet.cell(row=last + offset, column=column[key], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
