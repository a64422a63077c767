"""The network of social services (network/views.py).

The network is public: the list, the capacity table and a service's page.
Officers enter, change and end services and load the network from a
workbook. A provider's users (implementer_x)
and officers see the list of their own organisation's services. Update
requests: a provider's users file them and see their own (with the files);
officers see all, record decisions and set the windows; the development in a
year is public.
"""

from . import LOGIN, ROLES, everyone, officers_only


def _providers_and_officers():
    return {role: 200 if role in ("administrator", "city_officer", "implementer_x")
            else (LOGIN if role == "anonymous" else 403) for role in ROLES}


def _post_only(expected):
    return {role: (405 if status == 200 else status) for role, status in expected.items()}


def extend_world(world):
    from tests.network.factories import make_indicator_value, make_service

    service = make_service(provider=world["org_x"], name="Služba X")
    value = make_indicator_value(service=service)
    return {"network_service": service, **_request_world(service), "network_value": value,
            "network_manual": value.indicator.manual, "network_indicator": value.indicator}


def _service(w):
    return [w["network_service"].pk]


MATRIX = {
    "network:service_list": [("", lambda w: [], everyone())],
    "network:capacity_table": [("", lambda w: [], everyone())],
    "network:service_detail": [("", _service, everyone())],
    "network:own_services": [("", lambda w: [], _providers_and_officers())],
    "network:service_create": [("", lambda w: [], officers_only())],
    "network:service_change": [("", _service, officers_only())],
    "network:service_end": [("", _service, officers_only())],
    # The workbook (network/imports.py): officers only.
    "network:export": [("", lambda w: [], officers_only())],
    "network:import_template": [("", lambda w: [], officers_only())],
    "network:import": [("", lambda w: [], officers_only())],
    # Service indicators: the manual is public, officers keep it; a provider
    # reports its own services' values; the disproportion check and the
    # questions about its flags are the officers' only, never public.
    "network:indicator_manual": [("", lambda w: [], everyone())],
    "network:manual_create": [("", lambda w: [], officers_only())],
    "network:manual_update": [("", lambda w: [w["network_manual"].pk], officers_only())],
    "network:indicator_create": [("", lambda w: [w["network_manual"].pk], officers_only())],
    "network:indicator_update": [("", lambda w: [w["network_indicator"].pk], officers_only())],
    "network:service_values": [("", _service, _providers_and_officers())],
    "network:values_report": [
        ("", lambda w: [w["network_service"].pk, 2024, "half"], _providers_and_officers())],
    "network:disproportions": [("", lambda w: [], officers_only())],
    "network:funding": [("", _service, officers_only())],
    "network:disproportion_query": [("", lambda w: [w["network_value"].pk], officers_only())],
    "network:evaluation": [("", lambda w: [], everyone())],
    "network:import_confirm": [
        ("any batch", lambda w: ["00000000-0000-0000-0000-000000000000"],
         _post_only(officers_only())),
    ],
    # The national register's open dataset (network/register.py): officers only.
    "network:register_import": [("", lambda w: [], officers_only())],
    "network:register_import_confirm": [
        ("any batch", lambda w: ["00000000-0000-0000-0000-000000000000"],
         _post_only(officers_only())),
    ],
    # The value workbook (network/value_imports.py): as the values form.
    "network:values_template": [("", lambda w: [], _providers_and_officers())],
    "network:values_import": [("", lambda w: [], _providers_and_officers())],
    "network:values_import_confirm": [
        ("any batch", lambda w: ["00000000-0000-0000-0000-000000000000"],
         _post_only(_providers_and_officers())),
    ],
}


def _request_world(service):
    import datetime

    from network.models import AttachmentKind, RequestDecision, RequestKind
    from tests.network.requests_factories import decide, file_request

    update_request = file_request(actor=None, service=service, kind=RequestKind.INCREASE)
    decide(actor=None, request=update_request, body="commission",
           day=datetime.date(2025, 9, 1))
    return {
        "update_request": update_request,
        "request_attachment": update_request.attachments.get(kind=AttachmentKind.BUDGET),
        "request_decision": RequestDecision.objects.get(request=update_request),
    }


def _provider_x_only():
    return {role: 200 if role == "implementer_x" else (LOGIN if role == "anonymous" else 403)
            for role in ROLES}


def _request(w):
    return [w["update_request"].pk]


MATRIX.update({
    "network:request_list": [("", lambda w: [], officers_only())],
    "network:request_windows": [("", lambda w: [], officers_only())],
    "network:own_requests": [("", lambda w: [], _provider_x_only())],
    "network:request_create": [("", lambda w: [], _provider_x_only())],
    "network:request_detail": [("provider x's request", _request, _providers_and_officers())],
    "network:request_attachment": [
        ("provider x's attachment",
         lambda w: [w["update_request"].pk, w["request_attachment"].pk],
         _providers_and_officers())],
    "network:decision_extract": [
        ("provider x's extract",
         lambda w: [w["update_request"].pk, w["request_decision"].pk],
         _providers_and_officers())],
    "network:request_decide": [("", _request, officers_only())],
    "network:development": [("", lambda w: [], everyone())],
})
