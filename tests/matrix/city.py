"""The city settings and the territories (directory): officers' pages; the
logo is public (404 while the city has none)."""

from tests.directory.factories import TerritoryFactory

from . import everyone, officers_only


def extend_world(world):
    return {"territory": TerritoryFactory(code="matrix-uzemi", name="Území matice")}


MATRIX = {
    "directory:territory_list": [("", lambda w: [], officers_only())],
    "directory:territory_create": [("", lambda w: [], officers_only())],
    "directory:territory_update": [("", lambda w: [w["territory"].pk], officers_only())],
    "directory:territory_delete": [("", lambda w: [w["territory"].pk], officers_only())],
    "directory:city_settings": [("", lambda w: [], officers_only())],
    "directory:city_logo": [("no logo", lambda w: [], everyone(404))],
}
