from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry, selectors


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("E-mails I receive"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offered = registry.kinds_for(user)
        self.fields["kinds"].choices = [(kind.key, kind.label) for kind in offered]
        self.fields["kinds"].initial = [
            key for key, on in selectors.receives_by_kind(user, offered).items() if on]
