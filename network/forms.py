"""Officers' forms of the network. The fields come from the models, so a
label, a help text or a validator is written once."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.autocomplete import use_autocomplete
from core.forms import PortalForm

from .filters import DateInput
from .models import (
    REQUIRED_ATTACHMENTS,
    AttachmentKind,
    RequestDecision,
    RequestWindow,
    Service,
    ServiceCategory,
    ServiceForm,
    ServiceKind,
    ServiceVersion,
    UpdateRequest,
)


def _model_field(model, name, **kwargs):
    field = model._meta.get_field(name).formfield(**kwargs)
    if isinstance(field.widget, forms.DateInput):
        field.widget = DateInput()
    return field


def _forms_field():
    return forms.MultipleChoiceField(label=_("Forms"), choices=ServiceForm.choices,
                                     required=False, widget=forms.CheckboxSelectMultiple)


VERSION_FIELDS = ["forms", "target_groups", "support_areas", "territory", "territory_text",
                  "capacity_value", "capacity_unit", "note"]


def _version_fields():
    return {
        "forms": _forms_field(),
        "target_groups": _model_field(ServiceVersion, "target_groups",
                                      widget=forms.CheckboxSelectMultiple),
        "support_areas": _model_field(ServiceVersion, "support_areas",
                                      widget=forms.CheckboxSelectMultiple),
        "territory": _model_field(ServiceVersion, "territory"),
        "territory_text": _model_field(ServiceVersion, "territory_text"),
        "capacity_value": _model_field(ServiceVersion, "capacity_value"),
        "capacity_unit": _model_field(ServiceVersion, "capacity_unit"),
        "note": _model_field(ServiceVersion, "note", widget=forms.Textarea(attrs={"rows": 3})),
    }


class _NetworkForm(PortalForm):
    """The fields of a service's version follow the form's own fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_version_fields())
        self.order_fields(self.field_order)
        if "provider" in self.fields:
            use_autocomplete(self, "provider", "organisations")
        if "kind" in self.fields:
            self.fields["kind"].queryset = ServiceKind.objects.all()

    def service_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ServiceEntryForm(_NetworkForm):
    """A service or related activity enters the network."""

    field_order = ["category", "name", "provider", "register_id", "kind", "network_from",
                   *VERSION_FIELDS, "reason"]

    category = _model_field(Service, "category")
    name = _model_field(Service, "name")
    provider = _model_field(Service, "provider")
    register_id = _model_field(Service, "register_id")
    kind = _model_field(Service, "kind")
    network_from = _model_field(Service, "network_from")
    reason = _model_field(ServiceVersion, "reason")


class ServiceChangeForm(_NetworkForm):
    """A change of a service from a day on (the identity changes on every day)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    valid_from = _model_field(ServiceVersion, "valid_from",
                              help_text=_("The first day the change holds. The day the latest "
                                          "change started corrects that change."))
    reason = _model_field(ServiceVersion, "reason", required=True)
    name = _model_field(Service, "name")
    provider = _model_field(Service, "provider")
    register_id = _model_field(Service, "register_id")
    kind = _model_field(Service, "kind")

    field_order = ["valid_from", "reason", "name", "provider", "register_id", "kind",
                   *VERSION_FIELDS]

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        if service.category == ServiceCategory.ACTIVITY:
            del self.fields["register_id"], self.fields["kind"]


class ServiceEndForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    network_to = _model_field(Service, "network_to", required=True)
    reason = _model_field(ServiceVersion, "reason", required=True)


def change_initial(service, version):
    """The change form filled with what the service says now."""
    initial = {"version": service.version, "name": service.name,
               "provider": service.provider_id, "register_id": service.register_id,
               "kind": service.kind_id}
    initial.update({
        "forms": [form.value for form in version.forms],
        "target_groups": [group.pk for group in version.target_groups.all()],
        "support_areas": [area.pk for area in version.support_areas.all()],
        "territory": version.territory_id, "territory_text": version.territory_text,
        "capacity_value": version.capacity_value, "capacity_unit": version.capacity_unit_id,
        "note": version.note,
    })
    return initial


# --- Update requests ----------------------------------------------------------------------


def _attachment_field(kind):
    needed = ", ".join(str(request_kind.label) for request_kind, kinds
                       in REQUIRED_ATTACHMENTS.items() if kind in kinds)
    return forms.FileField(
        label=kind.label, required=False,
        help_text=_("PDF, PNG, JPEG or XLSX, at most 10 MB. Mandatory for: %(kinds)s.")
        % {"kinds": needed})


class UpdateRequestForm(PortalForm):
    """A provider's request: the change, its day, the reasoning and the
    mandatory attachments (which of them depends on the kind of change)."""

    kind = _model_field(UpdateRequest, "kind")
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(),
                                     required=False,
                                     help_text=_("Not for an entry into the network."))
    effective_from = _model_field(UpdateRequest, "effective_from")
    capacity_value = _model_field(UpdateRequest, "capacity_value")
    capacity_unit = _model_field(UpdateRequest, "capacity_unit")
    name = _model_field(UpdateRequest, "name")
    register_id = _model_field(UpdateRequest, "register_id")
    service_kind = _model_field(UpdateRequest, "service_kind")
    service_form = _model_field(UpdateRequest, "service_form")
    territory_text = _model_field(UpdateRequest, "territory_text")
    reasoning = _model_field(UpdateRequest, "reasoning",
                             widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, services, window_note="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service_kind"].queryset = ServiceKind.objects.all()
        if window_note:
            self.fields["effective_from"].help_text = window_note
        for kind in AttachmentKind:
            self.fields[f"attachment_{kind}"] = _attachment_field(kind)

    def request_data(self):
        data = dict(self.cleaned_data)
        data["attachments"] = {kind: data.pop(f"attachment_{kind}") for kind in AttachmentKind
                               if data.get(f"attachment_{kind}")}
        for kind in AttachmentKind:
            data.pop(f"attachment_{kind}", None)
        return data


class RequestDecisionForm(PortalForm):
    body = _model_field(RequestDecision, "body")
    decided_on = _model_field(RequestDecision, "decided_on")
    resolution_number = _model_field(RequestDecision, "resolution_number")
    outcome = _model_field(RequestDecision, "outcome")
    approved_value = _model_field(RequestDecision, "approved_value")
    extract = forms.FileField(label=_("Extract of the resolution"),
                              help_text=_("PDF, PNG or JPEG, at most 10 MB."))


class RequestWindowForm(PortalForm):
    year = forms.IntegerField(label=_("Year of the change"), min_value=2000, max_value=2100)
    opens = _model_field(RequestWindow, "opens")
    closes = _model_field(RequestWindow, "closes")
