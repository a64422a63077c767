"""The local open-data catalogue (LKOD) for the national catalogue: the
catalogue and every dataset document parse to RDF with a real JSON-LD
processor (PyLD, the norm's context loaded from the vendored transcription),
carry the properties DCAT-AP-CZ asks for, and every URL they give answers;
every CSV has CSV on the Web metadata whose columns are its header."""

import csv
import io
import json
import zipfile
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.urls import reverse
from pyld import jsonld

from core import lkod, opendata
from directory.models import City
from tests.directory.factories import CityFactory, OrganisationFactory, the_city

pytestmark = pytest.mark.django_db

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
TERMS = "https://data.gov.cz/slovník/podmínky-užití/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def load_document(url, options=None):
    """The JSON-LD document loader of the tests: the norm's context from the
    vendored file, nothing from the network."""
    if url != lkod.CONTEXT_URL:
        raise AssertionError(f"the documents may load only the norm's context, not {url}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(lkod.CONTEXT_FILE.read_text(encoding="utf-8"))}


def to_triples(document):
    """The document as RDF: a set of (subject, predicate, object, language)."""
    dataset = jsonld.to_rdf(document, {"documentLoader": load_document})
    triples = set()
    for quad in dataset["@default"]:
        obj = quad["object"]
        triples.add((quad["subject"]["value"], quad["predicate"]["value"], obj["value"],
                     obj.get("language")))
    return triples


def objects(triples, subject, predicate):
    return {o for s, p, o, _lang in triples if s == subject and p == predicate}


def literals(triples, subject, predicate):
    return {(o, lang) for s, p, o, lang in triples if s == subject and p == predicate}


def path(url):
    base = settings.PORTAL_BASE_URL.rstrip("/")
    assert url.startswith(base + "/"), url
    return url[len(base):]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_document(client, url):
    response = client.get(path(url))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(body(response))


@pytest.fixture
def city():
    city = the_city()
    city.full_name, city.ico, city.ruian_code = "Statutární město Testov", "12345679", "500011"
    city.open_data_licence = CC_BY
    city.save()
    return city


def test_the_catalogue_lists_every_dataset_with_the_norms_properties(client, city):
    OrganisationFactory(name="Charita Testov")
    catalogue = get_document(client, reverse("core:lkod_catalogue").join(
        [settings.PORTAL_BASE_URL.rstrip("/"), ""]))
    assert catalogue["@context"] == lkod.CONTEXT_URL
    triples = to_triples(catalogue)
    iri = catalogue["iri"]
    assert path(iri) == reverse("core:lkod_catalogue")
    assert (iri, RDF_TYPE, DCAT + "Catalog", None) in triples
    assert ("Otevřená data: Statutární město Testov", "cs") in literals(
        triples, iri, DCT + "title")
    assert objects(triples, iri, DCT + "publisher") == {
        "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/12345679"}
    dataset_iris = objects(triples, iri, DCAT + "dataset")
    registered = opendata.datasets()
    assert len(registered) >= 7
    assert {path(i) for i in dataset_iris} == {
        reverse("core:lkod_dataset", args=[d.slug]) for d in registered}

    for dataset in registered:
        document = get_document(client, lkod.dataset_iri(dataset))
        triples = to_triples(document)
        ds = lkod.dataset_iri(dataset)
        assert ds in dataset_iris
        assert (ds, RDF_TYPE, DCAT + "Dataset", None) in triples
        titles = dict((lang, text) for text, lang in literals(triples, ds, DCT + "title"))
        assert set(titles) == {"cs", "en"} and all(titles.values())
        descriptions = {lang for _text, lang in literals(triples, ds, DCT + "description")}
        assert descriptions == {"cs", "en"}
        keywords = literals(triples, ds, DCAT + "keyword")
        assert {lang for _word, lang in keywords} == {"cs", "en"}
        assert objects(triples, ds, DCAT + "theme") and all(
            t.startswith("http://publications.europa.eu/resource/authority/data-theme/")
            for t in objects(triples, ds, DCAT + "theme"))
        assert objects(triples, ds, DCT + "accrualPeriodicity") == {
            "http://publications.europa.eu/resource/authority/frequency/" + dataset.frequency}
        assert objects(triples, ds, DCT + "spatial") == {
            "https://linked.cuzk.cz/resource/ruian/obec/500011"}
        assert objects(triples, ds, DCT + "publisher") == {
            "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/12345679"}
        distributions = objects(triples, ds, DCAT + "distribution")
        formats = {}
        for dist in distributions:
            assert (dist, RDF_TYPE, DCAT + "Distribution", None) in triples
            (download,) = objects(triples, dist, DCAT + "downloadURL")
            assert objects(triples, dist, DCAT + "accessURL") == {download}
            (media_type,) = objects(triples, dist, DCAT + "mediaType")
            (file_type,) = objects(triples, dist, DCT + "format")
            formats[file_type.rsplit("/", 1)[1]] = (download, media_type, dist)
            response = client.get(path(download))
            assert response.status_code == 200, download
            assert response["Content-Type"].split(";")[0] == media_type.split(
                "media-types/", 1)[1]
            (terms,) = objects(triples, dist, TERMS + "specifikace")
            assert objects(triples, terms, TERMS + "autorské-dílo") == {CC_BY}
            assert objects(triples, terms, TERMS + "databáze-jako-autorské-dílo") == {CC_BY}
            assert objects(triples, terms, TERMS + "databáze-chráněná-zvláštními-právy") == {
                CC_BY}
            assert ("Statutární město Testov", "cs") in literals(triples, terms, TERMS + "autor")
            assert objects(triples, terms, TERMS + "osobní-údaje") == {
                "https://data.gov.cz/podmínky-užití/"
                + ("obsahuje-osobní-údaje/" if dataset.personal_data
                   else "neobsahuje-osobní-údaje/")}
        assert set(formats) == {"CSV", "JSON"}
        assert formats["CSV"][1] == "http://www.iana.org/assignments/media-types/text/csv"
        assert path(formats["CSV"][0]) == reverse("core:dataset_csv", args=[dataset.slug])
        assert path(formats["JSON"][0]) == reverse("core:dataset_json", args=[dataset.slug])
        (schema,) = objects(triples, formats["CSV"][2], DCT + "conformsTo")
        assert client.get(path(schema)).status_code == 200
        assert not objects(triples, formats["JSON"][2], DCT + "conformsTo")


def test_the_working_groups_say_they_name_persons():
    assert opendata.get("working-groups").personal_data
    assert not opendata.get("organisations").personal_data


@pytest.mark.parametrize("slug", [d.slug for d in opendata.datasets()])
def test_every_csv_has_csvw_metadata_whose_columns_are_its_header(client, slug):
    OrganisationFactory(name="Charita Testov")
    csv_path = reverse("core:dataset_csv", args=[slug])
    metadata_path = reverse("core:dataset_csvw", args=[slug])
    assert metadata_path == f"/data/{slug}.csv-metadata.json"
    response = client.get(metadata_path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/csvm+json"
    metadata = json.loads(body(response))
    assert urljoin(metadata_path, metadata["url"]) == csv_path
    header = next(csv.reader(io.StringIO(body(client.get(csv_path)).decode("utf-8"))))
    columns = metadata["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == header
    assert [c["titles"] for c in columns] == header
    dataset = opendata.get(slug)
    for column, described in zip(dataset.columns, columns, strict=True):
        assert described["datatype"] == lkod.CSVW_DATATYPES[column.type]
        assert {d["@language"] for d in described["dc:description"]} == {"cs", "en"}
        assert ("separator" in described) == (column.type == "list")


def test_a_column_with_a_unit_says_it_and_booleans_read_as_written():
    described = lkod.csvw_column(opendata.Column("amount", "decimal", "Amount", unit="CZK"))
    assert described["schema:unitText"] == "CZK"
    assert "schema:unitText" not in lkod.csvw_column(opendata.Column("n", "integer", "N"))
    assert lkod.csvw_column(opendata.Column("b", "boolean", "B"))["datatype"] == {
        "base": "boolean", "format": "ano|ne"}


def test_the_zip_holds_the_csvw_metadata_beside_each_csv(client):
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(reverse("core:dataset_zip")))))
    for dataset in opendata.datasets():
        metadata = json.loads(archive.read(f"{dataset.slug}.csv-metadata.json"))
        assert metadata["url"] == f"{dataset.slug}.csv" and f"{dataset.slug}.csv" in (
            archive.namelist())


def test_missing_city_fields_are_left_out_and_the_data_page_says_so(client):
    city = the_city()
    city.ico, city.ruian_code = "", ""
    city.save()
    dataset = opendata.get("organisations")
    triples = to_triples(get_document(client, lkod.dataset_iri(dataset)))
    iri = lkod.dataset_iri(dataset)
    assert not objects(triples, iri, DCT + "spatial")
    assert not objects(triples, iri, DCT + "publisher")
    assert objects(triples, iri, DCAT + "distribution")
    page = client.get(reverse("core:data_catalogue"), HTTP_ACCEPT_LANGUAGE="cs")
    text = page.content.decode()
    assert "Katalog zatím není úplný" in text
    assert "IČO města" in text and "kód RÚIAN území" in text
    assert f'href="{reverse("core:lkod_catalogue")}"' in text

    city.ico, city.ruian_code = "12345679", "500011"
    city.save()
    text = client.get(reverse("core:data_catalogue")).content.decode()
    assert "Katalog zatím není úplný" not in text
    assert f'href="{reverse("core:lkod_dataset", args=["organisations"])}"' in text
    assert f'href="{reverse("core:dataset_csvw", args=["organisations"])}"' in text


def test_no_city_no_catalogue(client, no_city):
    assert client.get(reverse("core:lkod_catalogue")).status_code == 404
    assert client.get(reverse("core:lkod_dataset", args=["organisations"])).status_code == 404
    assert "Katalog zatím není úplný" in client.get(reverse("core:data_catalogue")).content.decode()


def test_an_unknown_dataset_is_404(client):
    assert client.get(reverse("core:lkod_dataset", args=["nic"])).status_code == 404
    assert client.get(reverse("core:dataset_csvw", args=["nic"])).status_code == 404


def test_the_vendored_context_is_served_and_maps_the_norms_keys(client):
    response = client.get(reverse("core:lkod_context"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    context = json.loads(response.content)["@context"]
    assert context["soubor_ke_stažení"]["@id"] == DCAT + "downloadURL"
    assert context["prvek_rúian"]["@id"] == DCT + "spatial"


def test_a_post_is_refused(client):
    assert client.post(reverse("core:lkod_catalogue")).status_code == 405


committed = pytest.mark.django_db(transaction=True)


@committed
def test_the_iris_stay_when_the_data_changes_and_the_documents_are_kept_per_version(
        client, django_assert_num_queries):
    CityFactory(ico="12345679", ruian_code="500011")
    first = client.get(reverse("core:lkod_catalogue"))
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    etag = first["ETag"]
    document = body(first)
    with django_assert_num_queries(1):  # the data version; the city is cached
        assert client.get(reverse("core:lkod_catalogue"),
                          HTTP_IF_NONE_MATCH=etag).status_code == 304
    dataset_before = body(client.get(reverse("core:lkod_dataset", args=["organisations"])))
    OrganisationFactory(name="Nová organizace")
    # A new version of the data, the same document: the same ETag still answers 304.
    assert client.get(reverse("core:lkod_catalogue"),
                      HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = client.get(reverse("core:lkod_catalogue"))
    assert body(again) == document and again["ETag"] == etag
    assert body(client.get(reverse("core:lkod_dataset", args=["organisations"]))) == (
        dataset_before)
    # A change of the city settings shows at once.
    city = City.objects.get()
    city.ico = "87654326"
    city.save()
    changed = json.loads(body(client.get(reverse("core:lkod_catalogue"))))
    assert changed["poskytovatel"].endswith("/87654326")


def test_an_officer_sets_the_provider_and_territory_in_the_city_settings(client, officer):
    city = the_city()
    city.ico, city.ruian_code = "", ""
    city.save()
    client.force_login(officer)
    response = client.post(reverse("directory:city_settings"), {
        "name": city.name, "full_name": "Statutární město Testov", "department": "",
        "address": "", "home_territory": "", "region": "", "document_language": "cs",
        "currency": "CZK", "currency_symbol": "", "ico": "12345679", "ruian_code": "500011",
        "open_data_licence": "", "version": city.version})
    assert response.status_code == 302
    client.logout()
    document = get_document(client, lkod.dataset_iri(opendata.get("measures")))
    assert document["poskytovatel"].endswith("/orgán-veřejné-moci/12345679")
    assert document["prvek_rúian"] == ["https://linked.cuzk.cz/resource/ruian/obec/500011"]
    # An empty licence is CC BY 4.0.
    assert document["distribuce"][0]["podmínky_užití"]["autorské_dílo"] == CC_BY
