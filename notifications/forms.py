from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry, selectors
from .models import DigestFrequency


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("E-mails I receive"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offered = registry.kinds_for(user)
        self.fields["kinds"].choices = [(kind.key, kind.label) for kind in offered]
        self.fields["kinds"].initial = [
            key for key, on in selectors.receives_by_kind(user, offered).items() if on]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    frequency = forms.ChoiceField(label=_("How often"), choices=DigestFrequency.choices,
                                  initial=DigestFrequency.WEEKLY, widget=forms.RadioSelect)
    consent = forms.BooleanField(label=_("I agree (the wording is above)"), required=True)
    # A honeypot: hidden from people (CSS, out of the tab order), left empty by them.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "website"]
