"""One accessible autocomplete for form fields and list filters over sets that
grow (organisations, people, plan items, indicators, implementers), instead of a
`<select>` of thousands of options.

* Each app registers a `Kind` (`register(Kind(...))` in its AppConfig.ready):
  the rows a user may see or choose (`queryset(user)`, permission-checked),
  how a row is searched, labelled and matched exactly.
* `/autocomplete/<kind>/?q=...` answers at most `LIMIT` rows as JSON, only
  those of `kind.queryset(request.user)`, throttled per client.
* `AutocompleteMultipleField` picks up to a fixed number of rows, one
  autocomplete input each (a form that picks several of a growing set).
* `AutocompleteField` is a `ModelChoiceField` whose widget is a plain text
  input (role="combobox", enhanced by static/js/combobox.js). Without
  JavaScript a person types an id or the exact name (or code); the server
  resolves it, and an unknown or ambiguous value is a form error naming the
  field. With JavaScript, the picked row's id travels in a hidden input next
  to the visible text (`<name>` and `<name>__text`); when the text no longer
  matches the picked row, the text is resolved as typed.

The core knows no app: the kinds come from the registry.
"""

import copy
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .collation import czech_sort_key
from .throttle import throttle_hit
from .views import deny

LIMIT = 20
MAX_QUERY = 100
TEXT_SUFFIX = "__text"
# Requests per client per minute to one endpoint (typing sends one per pause).
THROTTLE = (240, 60)


@dataclass(frozen=True)
class Kind:
    """One set of rows offered by the autocomplete.

    `queryset(user)`: the rows the user may see or choose (None: refused);
    `search(queryset, term)`: the rows matching a typed term;
    `exact(queryset, text)`: the rows whose name or code is exactly `text`;
    `label(obj)`: the text shown and typed; `czech`: order the answer in
    Czech alphabetical order of the label (Š after S, Ch after H)."""

    name: str
    queryset: object
    search: object
    exact: object
    label: object = str
    czech: bool = True


_KINDS = {}


def register(kind):
    if _KINDS.get(kind.name, kind) != kind:
        raise ValueError(f"The autocomplete kind “{kind.name}” is registered twice.")
    _KINDS[kind.name] = kind


def get_kind(name):
    return _KINDS.get(name)


def suggestions(kind, user, term, limit=LIMIT):
    """[(id, label)] of at most `limit` rows the user may see that match `term`."""
    queryset = kind.queryset(user)
    if queryset is None:
        return None
    term = (term or "").replace("\x00", "").strip()[:MAX_QUERY]
    if term:
        queryset = kind.search(queryset, term)
    rows = list(queryset[:limit])
    pairs = [(row.pk, kind.label(row)) for row in rows]
    if kind.czech:
        pairs.sort(key=lambda pair: czech_sort_key(pair[1]))
    return pairs


def _client_key(request):
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return "ip:" + request.META.get("REMOTE_ADDR", "")


def autocomplete_view(request, kind):
    """GET /autocomplete/<kind>/?q=...: {"results": [{"id", "label"}]} of at most
    LIMIT rows the user may see; 404 for an unknown kind; rows the user may not
    choose from: the login page for anonymous visitors, 403 for others; 429
    when typed too fast."""
    found = get_kind(kind)
    if found is None:
        raise Http404("unknown kind")
    if not throttle_hit(f"autocomplete:{_client_key(request)}", *THROTTLE):
        return JsonResponse({"error": "too many requests"}, status=429)
    pairs = suggestions(found, request.user, request.GET.get("q", ""))
    if pairs is None:
        return deny(request)
    response = JsonResponse({"results": [{"id": pk, "label": label} for pk, label in pairs]},
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=60"
    return response


class AutocompleteInput(forms.TextInput):
    """A text input for one row: shows the row's label; the id goes in a hidden
    input of the field's own name, the text in `<name>__text`. With `single`
    (list filters, whose query string is the page's cache key), only the text,
    under the field's own name: an id or the exact name."""

    template_name = "core/widgets/autocomplete.html"

    def __init__(self, kind, attrs=None, *, single=False):
        super().__init__(attrs)
        self.kind = kind
        self.single = single
        self.label_for = None  # set by the field: pk -> label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = "" if value in (None, "") else str(value)
        label = ""
        if isinstance(value, dict):
            pk, label = value.get("id", ""), value.get("text", "")
        elif pk and self.label_for is not None:
            label = self.label_for(pk)
            if label is None:  # a posted text, not an id of a row
                pk, label = "", str(value)
        widget = context["widget"]
        widget["value"] = label
        widget["pk"] = pk
        widget["single"] = self.single
        widget["text_name"] = name if self.single else name + TEXT_SUFFIX
        widget["listbox_id"] = f"{attrs.get('id') or name}-listbox"
        widget["url"] = reverse("core:autocomplete", args=[self.kind])
        return context

    def value_from_datadict(self, data, files, name):
        pk = data.get(name)
        if self.single or name + TEXT_SUFFIX not in data:
            return pk  # a script, a test or a filter link: the id or the text
        return {"id": pk or "", "text": data.get(name + TEXT_SUFFIX, "")}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data


class AutocompleteField(forms.ModelChoiceField):
    """A ModelChoiceField over a growing set, picked by the autocomplete.
    Accepts the row's id or its exact name/code (Kind.exact) and reports an
    unknown or ambiguous value by the field's label."""

    default_error_messages = {
        "unknown": _("%(field)s: nothing called “%(value)s” found. Type the exact name "
                     "or choose from the suggestions."),
        "ambiguous": _("%(field)s: “%(value)s” matches more than one entry. Type it more "
                       "exactly or choose from the suggestions."),
    }

    def __init__(self, kind, queryset, **kwargs):
        self.kind_name = kind
        kwargs.setdefault("widget", AutocompleteInput(kind))
        super().__init__(queryset, empty_label=None, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.label_for = result._label_for
        return result

    @property
    def kind(self):
        kind = get_kind(self.kind_name)
        if kind is None:
            raise LookupError(f"No autocomplete kind “{self.kind_name}” is registered.")
        return kind

    def _label_for(self, pk):
        obj = self._by_pk(pk)
        return None if obj is None else self.kind.label(obj)

    def _by_pk(self, pk):
        """The row whose key (the id, or `to_field_name`) is `pk`, or None."""
        text = str(pk).strip()
        if self.to_field_name:
            if not text or "\x00" in text:
                return None
            return self.queryset.filter(**{self.to_field_name: text}).first()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            return None
        return self.queryset.filter(pk=int(text)).first()

    def prepare_value(self, value):
        if hasattr(value, "_meta"):
            return getattr(value, self.to_field_name or "pk")
        return value

    def _error(self, code, value):
        return ValidationError(self.error_messages[code], code=code,
                               params={"field": self.label or "", "value": value[:100]})

    def to_python(self, value):
        if isinstance(value, dict):
            text = str(value.get("text") or "").strip()
            if not text:
                return None
            picked = self._by_pk(str(value.get("id") or ""))
            if picked is not None and self.kind.label(picked) == text:
                return picked
            value = text
        if value in self.empty_values:
            return None
        if hasattr(value, "_meta"):
            value = value.pk
        text = str(value).strip()
        if not text:
            return None
        found = self._by_pk(text)
        if found is not None:
            return found
        if "\x00" in text:  # no name holds one, and PostgreSQL refuses it in a query
            raise self._error("unknown", text.replace("\x00", ""))
        matches = list(self.kind.exact(self.queryset, text)[:2])
        if not matches:
            raise self._error("unknown", text)
        if len(matches) > 1:
            raise self._error("ambiguous", text)
        return matches[0]

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            value = self.to_python(data)
        except ValidationError:
            return True
        initial_key = self.prepare_value(initial)
        return str(initial_key or "") != str(self.prepare_value(value) if value is not None
                                             else "")


class AutocompleteMultipleWidget(forms.MultiWidget):
    """`slots` autocomplete inputs (`<name>_0`, `<name>_1`, ...), each as
    AutocompleteInput; every input is named for the screen reader by the
    field's label and its number."""

    def __init__(self, kind, slots, attrs=None):
        super().__init__([AutocompleteInput(kind) for _ in range(slots)], attrs)
        self.slot_label = ""

    def decompress(self, value):
        return list(value or [])

    def get_context(self, name, value, attrs):
        if not isinstance(value, (list, tuple)):
            value = self.decompress(value)
        slots = len(self.widgets)
        value = [v.pk if hasattr(v, "_meta") else v for v in value][:slots]
        value += [None] * (slots - len(value))
        context = super().get_context(name, value, attrs)
        for number, sub in enumerate(context["widget"]["subwidgets"], start=1):
            sub["attrs"]["aria-label"] = f"{self.slot_label} {number}".strip()
        return context


class AutocompleteMultipleField(forms.Field):
    """Several rows of a growing set, up to `slots`, each picked as by
    AutocompleteField (an id or the exact name or code; an unknown or
    ambiguous one is an error naming the field). Cleans to the list of the
    distinct rows chosen, in the order given."""

    def __init__(self, kind, queryset, *, slots=6, **kwargs):
        kwargs.setdefault("widget", AutocompleteMultipleWidget(kind, slots))
        super().__init__(**kwargs)
        self.one = AutocompleteField(kind, queryset, required=False, label=self.label)
        self.widget.slot_label = self.label or ""

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.one = copy.deepcopy(self.one, memo)
        for widget in result.widget.widgets:
            widget.label_for = result.one._label_for
        return result

    @property
    def queryset(self):
        return self.one.queryset

    def clean(self, value):
        if not isinstance(value, (list, tuple)):
            value = [value]
        rows, errors = [], []
        for picked in value:
            try:
                row = self.one.to_python(picked)
            except ValidationError as error:
                errors.extend(error.error_list)
                continue
            if row is not None and row not in rows:
                rows.append(row)
        if errors:
            raise ValidationError(errors)
        if self.required and not rows:
            raise ValidationError(self.error_messages["required"], code="required")
        return rows

    def has_changed(self, initial, data):
        try:
            chosen = self.clean(data)
        except ValidationError:
            return True
        return [row.pk for row in chosen] != [getattr(i, "pk", i) for i in initial or []]


class _FilterField(AutocompleteField):
    def __init__(self, kind, queryset, **kwargs):
        kwargs.pop("null_label", None)
        kwargs.pop("empty_label", None)
        kwargs.setdefault("widget", AutocompleteInput(kind, single=True))
        super().__init__(kind, queryset, **kwargs)


class AutocompleteFilter(django_filters.ModelChoiceFilter):
    """A list filter over a growing set: the autocomplete instead of a
    `<select>` of every row (`kind`: the registered Kind's name). One query
    parameter, the filter's own (`?implementer=<id or exact name>`); an unknown
    value shows the error on the filter and no rows, as any invalid filter."""

    field_class = _FilterField

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, kind=kind, **kwargs)


def use_autocomplete(form, name, kind, queryset=None):
    """Replace the form's choice field `name` (a model form's foreign key, say)
    by an AutocompleteField over the same rows with the same label, help and
    requiredness. Does nothing when the form has no such field."""
    old = form.fields.get(name)
    if old is None:
        return
    form.fields[name] = AutocompleteField(
        kind, old.queryset if queryset is None else queryset, required=old.required,
        label=old.label, help_text=old.help_text, initial=old.initial)
    form.fields[name].widget.label_for = form.fields[name]._label_for
