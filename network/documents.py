"""The yearly evaluation as a document: the HTML the report machinery
(reports.kinds) renders to PDF, in the city's language of published
documents."""

from django.template.loader import render_to_string
from django.utils import translation

from directory.selectors import current_city, document_language

from .indicator_selectors import yearly_evaluation


def evaluation_pdf_html(year, *, plan_title=""):
    language = document_language()
    with translation.override(language):
        return render_to_string("network/evaluation_pdf.html", {
            "year": str(year), "plan_title": plan_title, "language": language,
            "evaluation": yearly_evaluation(year, city=current_city()),
        })
