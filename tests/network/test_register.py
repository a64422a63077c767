"""The national register's open dataset read into the network: new services
entered, those in the network compared, other cities' and ended registrations
left out, and whatever does not match the reference data reported (never
guessed, nothing saved while an item has an error); the pages three ways."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.imports.services import import_file
from core.models import AuditEntry
from network.models import Service
from network.register import REGISTER_IMPORTER
from tests.directory.factories import OrganisationFactory

from .factories import make_service, target_group
from .register_sample import PROVIDER_ICO, _form, as_bytes, item, sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


@pytest.fixture
def existing():
    provider = OrganisationFactory(name="Spolu pro rodinu, z.s.", ico=PROVIDER_ICO)
    return make_service(provider=provider, name="SAS v síti")


def test_new_services_are_entered_and_those_in_the_network_compared(officer, existing):
    audit = AuditEntry.objects.count()
    preview = import_file(importer=REGISTER_IMPORTER, actor=officer,
                          content=as_bytes(sample(existing.register_id)))
    assert preview.errors == []
    assert (preview.counts["new"], preview.counts["unchanged"], preview.skipped) == (1, 1, 2)
    service = Service.objects.get(register_id="5551234")
    version = service.versions.get()
    assert (service.name, service.provider, service.kind.paragraph, service.network_from) == (
        "SAS Rodina v pohybu", existing.provider, "65", date(2015, 1, 1))
    assert [f.value for f in version.forms] == ["outpatient", "field"]
    assert list(version.target_groups.all()) == [target_group("pečující osoby")]
    assert (version.capacity_value, version.capacity_unit.code) == (Decimal("5"), "klienti")
    assert AuditEntry.objects.filter(actor=officer).count() > 0
    assert AuditEntry.objects.count() > audit
    new, compared = preview.rows
    assert "27" in " ".join(new["notes"])  # osoby s potřebou paliativní péče: not in the data
    assert compared["service_id"] == existing.pk
    assert any(d.startswith("formy") for d in compared["differences"])
    assert not Service.objects.filter(register_id__in=["5559999", "5558888"]).exists()
    assert existing.versions.count() == 1  # the register does not rewrite the network


def test_what_does_not_match_the_reference_data_is_reported_and_nothing_saved(officer,
                                                                              existing):
    items = [
        item("5551234"),
        item("5552345", kind=7),                           # a kind no source names
        item("5553456", forms=[_form("xyz")]),             # an unknown form
        item("12345"),                                     # not 7 digits
        item("5551234", facility="Dvakrát"),               # the same service twice
        item("5554567", started="1. 1. 2015"),             # not an ISO date
        item("5555678", forms=[_form("pob", ("luzka", 20)), _form("amb", ("klient", 3))]),
    ]
    before = (Service.objects.count(), AuditEntry.objects.count())
    preview = import_file(importer=REGISTER_IMPORTER, actor=officer, content=as_bytes(items))
    texts = [str(error) for error in preview.errors]
    assert len(texts) == 5
    assert texts[0].startswith("Položka 2 (identifikátor 5552345), pole „druhSocialniSluzby“")
    assert "„7“" in texts[0]
    assert texts[1].startswith("Položka 3 (identifikátor 5553456), pole „formy“")
    assert texts[2].startswith("Položka 4 (identifikátor 12345), pole „identifikator“")
    assert texts[3].startswith("Položka 5 (identifikátor 5551234), pole „identifikator“")
    assert texts[4].startswith("Položka 6 (identifikátor 5554567), pole „datumPoskytovaniOd“")
    # Two capacities (per form) are listed, not added up or picked.
    assert "20 luzka, 3 klient" in " ".join(preview.rows[-1]["notes"])
    assert (Service.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("content", [b"", b"[]", b"{}", b'{"polozky": 3}', b"\xff{",
                                     b'{"polozky": [1, null]}'])
def test_a_file_that_is_not_the_register_says_so(officer, existing, content):
    preview = import_file(importer=REGISTER_IMPORTER, actor=officer, content=content)
    assert preview.errors and not Service.objects.exclude(pk=existing.pk).exists()


def test_the_pages_three_ways_and_a_confirm(client, officer, implementer_x, existing,
                                            import_jobs):
    url = reverse("network:register_import")
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(implementer_x)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    page = client.get(url)
    assert page.status_code == 200 and "rpss.json" in page.content.decode()
    upload = io.BytesIO(as_bytes(sample(existing.register_id)))
    upload.name = "rpss.json"
    preview = client.post(url, {"file": upload})
    shown = preview.content.decode()
    assert preview.status_code == 200 and "Služby k zapsání: 1" in shown
    # The preview says per item what it does: the differences of a service in the
    # network, and the notes on what the reference data lacks.
    assert ">Položka</th>" in shown and 'class="row-notes"' in shown
    assert "v síti; registr se liší" in shown
    pending = preview.context["pending"]
    with import_jobs():
        client.post(reverse("network:register_import_confirm", args=[pending.pk]),
                    {"upload": pending.pk})
    assert Service.objects.filter(register_id="5551234").exists()


def test_the_command_reads_the_whole_file_and_saves_nothing_on_an_error(officer, existing,
                                                                       tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "rpss.json"
    path.write_bytes(as_bytes(sample(existing.register_id)))
    out = io.StringIO()
    call_command("import_register", str(path), user=officer.username, dry_run=True, stdout=out)
    assert "Nové služby: 1" in out.getvalue() and "27" in out.getvalue()
    assert not Service.objects.filter(register_id="5551234").exists()
    call_command("import_register", str(path), user=officer.username, stdout=io.StringIO())
    assert Service.objects.filter(register_id="5551234").exists()
    path.write_bytes(as_bytes([item("5552345", kind=7)]))
    with pytest.raises(CommandError):
        call_command("import_register", str(path), user=officer.username,
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert not Service.objects.filter(register_id="5552345").exists()
