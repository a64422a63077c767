from django import forms
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteField, use_autocomplete
from core.forms import VersionedForm

from .models import City, Membership, Organisation, Person, Territory, WorkingGroup


class OrganisationForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "legal_form", "kind", "ico", "web", "address", "note"]


class PersonForm(VersionedForm):
    class Meta:
        model = Person
        fields = [
            "title_before", "given_name", "family_name", "title_after",
            "organisation", "email", "phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_autocomplete(self, "organisation", "organisations")


class WorkingGroupForm(VersionedForm):
    needs_text = forms.CharField(
        label=_("Needs of the target group"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One need per line, in the order they should be listed."),
    )

    class Meta:
        model = WorkingGroup
        fields = [
            "kind", "name", "code", "support_areas", "manager", "contact_person",
            "status", "target_group_description",
        ]
        widgets = {
            "support_areas": forms.CheckboxSelectMultiple,
            "target_group_description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, editable_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["needs_text"] = "\n".join(n.text for n in self.instance.needs.all())
        # Fields outside the user's role are not rendered and not accepted.
        for name in list(self.fields):
            if name not in editable_fields and name != "version":
                del self.fields[name]
        use_autocomplete(self, "manager", "people")
        use_autocomplete(self, "contact_person", "people")

    def cleaned_needs(self):
        text = self.cleaned_data.get("needs_text", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class MembershipStartForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "member", "substitute", "position", "valid_from", "source"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_autocomplete(self, "organisation", "organisations")
        use_autocomplete(self, "member", "people")
        use_autocomplete(self, "substitute", "people")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("member"):
            raise forms.ValidationError(_("Choose an organisation, a member, or both."))
        return cleaned


class MembershipChangeForm(forms.Form):
    on = forms.DateField(
        label=_("Change takes effect on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    member = AutocompleteField(
        "people", label=_("Member"), queryset=Person.objects.all(), required=False
    )
    substitute = AutocompleteField(
        "people", label=_("Substitute"), queryset=Person.objects.all(), required=False
    )
    source = forms.CharField(
        label=_("Source"), required=False, max_length=300,
        help_text=_("Where the change was announced, e.g. the minutes of 16. 1. 2025."),
    )

    def clean(self):
        cleaned = super().clean()
        member, substitute = cleaned.get("member"), cleaned.get("substitute")
        if member and substitute and member == substitute:
            self.add_error("substitute", _("The substitute must be someone other than the member."))
        return cleaned


class MembershipEndForm(forms.Form):
    on = forms.DateField(
        label=_("Membership ends on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=300)


class TerritoryForm(VersionedForm):
    class Meta:
        model = Territory
        fields = ["name", "short_name", "code", "kind", "official_code", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Territories moved from the indicators have no kind yet: editing one states it.
        self.fields["kind"].required = True
        parents = Territory.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class CityForm(VersionedForm):
    logo = forms.FileField(
        label=_("Logo"), required=False,
        help_text=_("A PNG or JPEG image of at most 1 MB, shown in the header of every page."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = City
        fields = ["name", "full_name", "department", "address", "home_territory", "region",
                  "document_language", "currency", "currency_symbol"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("home_territory", "region"):
            self.fields[name].queryset = Territory.objects.order_by("name")
        if not self.instance.logo:
            del self.fields["remove_logo"]
