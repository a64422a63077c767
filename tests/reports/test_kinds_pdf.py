"""Every kind of report (reports/kinds.py) renders a tagged PDF/UA document
with its title, language, bookmarks and structure tree, as pdfinfo reads it
(issue 15). The interim evaluation, the slow one, is checked where its module
renders it (test_interim.py: the `render_report` command goes through
`kinds.render`); the other kinds render once each here."""

import pytest

from reports import kinds
from reports.models import ReportKind
from tests.core.pdf_tools import assert_accessible, read_pdf
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# The yearly evaluation of the network: tests/network/test_evaluation_report.py.
CHECKED_IN_TEST_INTERIM = {ReportKind.INTERIM_EVALUATION, ReportKind.YEARLY_EVALUATION}


def _minutes():
    meeting = MeetingFactory.with_minutes(minutes_status="published")
    return {"meeting": meeting.pk}, f"ZÁPIS – {meeting.body.name}", "Organizační záležitosti"


def _project_card():
    project = ProjectFactory(title="Domovníci-preventisté")
    return ({"project": project.registration_number},
            f"{project.registration_number} Domovníci-preventisté", "Rozpočet projektu")


CASES = {ReportKind.MINUTES: _minutes, ReportKind.PROJECT_CARD: _project_card}


def test_every_kind_is_checked_somewhere():
    assert set(kinds.BUILDERS) == set(CASES) | CHECKED_IN_TEST_INTERIM


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_renders_a_tagged_pdf_with_title_language_and_outline(kind):
    parameters, title, words = CASES[kind]()
    rendered = kinds.render(kind, parameters)
    facts = read_pdf(rendered.pdf)
    assert facts.info["Title"].startswith(title), facts.info["Title"]
    assert_accessible(facts, title=facts.info["Title"])
    assert "H1" in facts.struct and "H2" in facts.struct
    assert words in facts.text
