"""Update requests as a provider files them and decisions as officers record them."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import REQUIRED_ATTACHMENTS, RequestKind
from network.services import request_decision_record, update_request_submit

from .factories import unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IN_WINDOW = datetime.date(2025, 7, 15)


def pdf(name="priloha.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def attachments(kind):
    return {attachment: pdf() for attachment in REQUIRED_ATTACHMENTS[RequestKind(kind)]}


def file_request(*, actor, service, kind=RequestKind.INCREASE, capacity="3.5",
                 effective_from=datetime.date(2026, 1, 1), today=IN_WINDOW, **extra):
    extra.setdefault("attachments", attachments(kind))
    capacity_given = kind not in (RequestKind.EXIT,)
    extra.setdefault("provider", service.provider)
    return update_request_submit(
        actor=actor, city=service.city, kind=kind,
        service=service, effective_from=effective_from, reasoning="Roste počet klientů.",
        capacity_value=Decimal(capacity) if capacity_given else None,
        capacity_unit=unit() if capacity_given else None, today=today, **extra)


def decide(*, actor, request, body, outcome="approved", day=datetime.date(2025, 9, 1),
           **extra):
    extra.setdefault("extract", pdf("vypis.pdf"))
    return request_decision_record(actor=actor, request=request, body=body, decided_on=day,
                                   resolution_number=f"{body}/1", outcome=outcome, **extra)


def approve(*, actor, request, **extra):
    for number, body in enumerate(("commission", "council", "assembly")):
        decide(actor=actor, request=request, body=body,
               day=datetime.date(2025, 9, 1 + number), **extra)
    request.refresh_from_db()
    return request
