from django import forms
from django.utils.translation import gettext_lazy as _

from core.autocomplete import AutocompleteField, use_autocomplete
from core.forms import PortalForm, PortalModelForm, VersionedForm

from .models import (
    AccessibilityGap,
    AccessibilityRequest,
    AccessibilityStatement,
    City,
    Membership,
    Organisation,
    Person,
    PrivacyDataKind,
    PrivacyNotice,
    Territory,
    WorkingGroup,
)


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
        # Personal data: each field says why it is asked for (the privacy notice says more).
        help_texts = {
            "email": _("To send the person invitations, minutes and tasks of their working "
                       "groups; seen only by officers and the members of those groups."),
            "phone": _("For the group's manager and the officers to reach the person; seen "
                       "only by officers and the members of their groups."),
        }

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


MEMBER_WHY = _("Recorded to show who represents the organisation in the group; kept in the "
               "group's membership history.")


class MembershipStartForm(PortalModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "member", "substitute", "position", "valid_from", "source"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_autocomplete(self, "organisation", "organisations")
        use_autocomplete(self, "member", "people")
        use_autocomplete(self, "substitute", "people")
        for name in ("member", "substitute"):
            self.fields[name].help_text = MEMBER_WHY

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("member"):
            raise forms.ValidationError(_("Choose an organisation, a member, or both."))
        return cleaned


class MembershipChangeForm(PortalForm):
    on = forms.DateField(
        label=_("Change takes effect on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    member = AutocompleteField(
        "people", label=_("Member"), queryset=Person.objects.all(), required=False,
        help_text=MEMBER_WHY,
    )
    substitute = AutocompleteField(
        "people", label=_("Substitute"), queryset=Person.objects.all(), required=False,
        help_text=MEMBER_WHY,
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


class MembershipEndForm(PortalForm):
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
                  "document_language", "currency", "currency_symbol", "ico", "ruian_code",
                  "open_data_licence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("home_territory", "region"):
            self.fields[name].queryset = Territory.objects.order_by("name")
        if not self.instance.logo:
            del self.fields["remove_logo"]


# --- The accessibility statement ----------------------------------------------------


class AccessibilityStatementForm(VersionedForm):
    class Meta:
        model = AccessibilityStatement
        fields = ["compliance", "standard", "non_accessible_cs", "non_accessible_en",
                  "prepared_on", "reviewed_on", "method", "method_cs", "method_en",
                  "contact_email", "contact_phone", "contact_cs", "contact_en",
                  "enforcement_cs", "enforcement_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in (
            "non_accessible_cs", "non_accessible_en", "method_cs", "method_en", "contact_cs",
            "contact_en", "enforcement_cs", "enforcement_en")}


class AccessibilityGapForm(VersionedForm):
    class Meta:
        model = AccessibilityGap
        fields = ["description_cs", "description_en", "criterion", "reason", "alternative_cs",
                  "alternative_en", "found_on", "fixed_on"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in (
            "description_cs", "description_en", "alternative_cs", "alternative_en")}


class AccessibilityRequestForm(PortalForm):
    """A request to fix (podnět k nápravě). The name and address are optional;
    each field says why it is asked for."""

    page = forms.CharField(
        label=_("Page or document"), required=False, max_length=500,
        help_text=_("The address or name of the page or document that is not accessible."),
    )
    text = forms.CharField(
        label=_("What is not accessible"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=_("Describe what you could not use and how you tried (e.g. with a screen "
                    "reader). At most 5,000 characters."),
    )
    name = forms.CharField(
        label=_("Your name"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Optional. Used only to address you in the answer."),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Optional, but without it we cannot answer you. Only the administrator "
                    "sees it, to send the answer; it is not published."),
    )
    # A honeypot: hidden from people (CSS, out of the tab order), left empty by them.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "website"]


class AccessibilityAnswerForm(VersionedForm):
    class Meta:
        model = AccessibilityRequest
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"answer": _("What was done or why not; send it to the person by e-mail "
                                  "and record it here.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True


# --- The privacy notice ----------------------------------------------------------------


class PrivacyNoticeForm(VersionedForm):
    class Meta:
        model = PrivacyNotice
        fields = ["updated_on", "controller_email", "controller_phone", "dpo_name",
                  "dpo_email", "dpo_phone", "dpo_address", "intro_cs", "intro_en",
                  "recipients_cs", "recipients_en", "published_cs", "published_en",
                  "rights_cs", "rights_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in (
            "intro_cs", "intro_en", "recipients_cs", "recipients_en", "published_cs",
            "published_en", "rights_cs", "rights_en")}


class PrivacyDataKindForm(VersionedForm):
    class Meta:
        model = PrivacyDataKind
        fields = ["position", "name_cs", "name_en", "purpose_cs", "purpose_en", "legal_basis",
                  "retention_cs", "retention_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in (
            "purpose_cs", "purpose_en")}
