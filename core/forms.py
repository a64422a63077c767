"""Base forms of the portal. Every form of the apps derives from `PortalForm`
or `PortalModelForm` (or `VersionedForm`), so that, project-wide:

* an empty choice reads „— vyberte —“ (a required choice) or „(žádné)“ (an
  optional one), never Django's "---------";
* a decimal field accepts what a Czech user types: "1 000 000,00" with spaces
  or no-break spaces between the thousands and a decimal comma, and shows
  "1 000 000,5" rather than "1000000.5000"."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .formats import plain_number, readable_number

DASHES = "---------"
EMPTY_REQUIRED = _("— choose —")
EMPTY_OPTIONAL = _("(none)")

# Spaces that may group thousands: space, no-break space, narrow no-break
# space, thin space.
_GROUPING = re.compile(r"[ \u00a0\u202f\u2009]")


def parse_decimal_input(value):
    """'1 000 000,00' -> Decimal('1000000.00'); '3,5' and '3.5' -> 3.5; the
    text unchanged when it is not a number (the field then says so)."""
    if value is None or isinstance(value, Decimal | int | float):
        return value
    text = _GROUPING.sub("", str(value).strip())
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return value


class DecimalInput(forms.TextInput):
    """A text box for decimals (a number box refuses "1 000,50" in the browser);
    shows the value grouped in the active language, without trailing zeros."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return readable_number(Decimal(plain_number(value)))
        return super().format_value(value)


class ReadableFieldsMixin:
    """Czech empty choices and Czech decimal input for every field of the form,
    also for a field a subclass adds after this __init__ (made readable when it
    is first shown or cleaned: both go through __getitem__)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _make_readable(field)

    def __getitem__(self, name):
        field = self.fields.get(name)
        if field is not None:
            _make_readable(field)
        return super().__getitem__(name)


def _make_readable(field):
    if getattr(field, "_portal_readable", False):
        return
    field._portal_readable = True
    empty = EMPTY_REQUIRED if field.required else EMPTY_OPTIONAL
    if getattr(field, "empty_label", None) == DASHES:
        field.empty_label = empty
    elif (isinstance(field, forms.ChoiceField)
          and not isinstance(field, (forms.MultipleChoiceField, forms.ModelChoiceField))):
        # A ModelChoiceField's blank choice is its empty_label (above): listing its
        # choices here would read every row of a set that grows (the autocomplete's).
        choices = list(field.choices)
        if any(label == DASHES for _value, label in choices):
            field.choices = [(value, empty if label == DASHES else label)
                             for value, label in choices]
    if isinstance(field, forms.DecimalField) and not isinstance(field, CzechDecimalField):
        field.to_python = _czech_to_python(field)
        if type(field.widget) is forms.NumberInput:
            attrs = {k: v for k, v in field.widget.attrs.items()
                     if k not in ("step", "min", "max")}
            field.widget = DecimalInput(attrs)


def _czech_to_python(field):
    to_python = field.to_python

    def parse(value):
        parsed = parse_decimal_input(value)
        if parsed is None:
            return None
        if isinstance(parsed, Decimal):
            return to_python(str(parsed))
        return to_python(parsed)

    return parse


class CzechDecimalField(forms.DecimalField):
    """A decimal field that reads "1 000 000,00" (see module docstring)."""

    widget = DecimalInput

    def to_python(self, value):
        parsed = parse_decimal_input(value)
        if parsed is None:
            return None
        if not isinstance(parsed, Decimal):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(str(parsed))


class PortalForm(ReadableFieldsMixin, forms.Form):
    pass


class PortalModelForm(ReadableFieldsMixin, forms.ModelForm):
    pass


class VersionedForm(PortalModelForm):
    """Carries the record's version so that a concurrent save is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
