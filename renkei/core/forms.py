"""Forms for core's screens. Validation messages are translated (Japanese first)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .concurrency import add_version_field
from .models import APIToken, AreaGroup, AuditEntry, DailyLivingArea, Municipality, Organization, Profession, Role
from .services.places import is_valid_local_government_code


def add_service_errors(form: forms.Form, error: ValidationError,
                       field_for: Callable[[str], str] = lambda key: key) -> None:
    """Put a service's ValidationError on the form: on its field where the form has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.message_dict.items():
        field = field_for(key)
        form.add_error(field if field in form.fields else None, errors)


class LoginForm(forms.Form):
    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "username",
                                                                                  "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TOTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )


class TwoFactorEnrolForm(TOTPCodeForm):
    """A first authenticator; after an administrator's reset, with the one-time code they passed on."""

    enrolment_code = forms.CharField(
        label=_("One-time set-up code from your administrator"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    field_order = ["enrolment_code", "code"]

    def __init__(self, *args, needs_enrolment_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_enrolment_code:
            del self.fields["enrolment_code"]
        else:
            self.fields["code"].widget.attrs.pop("autofocus", None)


class TwoFactorChangeForm(TOTPCodeForm):
    """Replacing an authenticator: the current password and a code from the current one, then the new one."""

    password = forms.CharField(label=_("Current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))
    current_code = forms.CharField(
        label=_("6-digit code from your current authenticator"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )
    field_order = ["password", "current_code", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("6-digit code from the new authenticator")
        self.fields["code"].widget.attrs.pop("autofocus", None)


class ReverifyForm(forms.Form):
    """Asked again before a sensitive action: a code from the authenticator, or the password without one."""

    reverify_code = forms.CharField(
        label=_("6-digit code from your authenticator app"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )
    reverify_password = forms.CharField(label=_("Password"), strip=False,
                                        widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                          "autofocus": True}))

    def __init__(self, *args, uses_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reverify_password" if uses_code else "reverify_code"]


class MembershipSwitchForm(forms.Form):
    membership = forms.ChoiceField(label=_("Act as"))

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (m.pk, f"{m.organization.name} — {m.get_role_display()}") for m in memberships
        ]


class DailyLivingAreaForm(forms.ModelForm):
    class Meta:
        model = DailyLivingArea
        fields = ["name", "kana", "description", "sort_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AreaGroupForm(forms.ModelForm):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"), queryset=Municipality.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AreaGroup
        fields = ["kind", "name", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, prefecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.prefecture = prefecture
        self.fields["municipalities"].queryset = Municipality.objects.filter(
            prefecture=prefecture, abolished_on__isnull=True).exclude(kind=Municipality.Kind.DESIGNATED_CITY)
        if self.instance.pk:
            self.fields["municipalities"].initial = list(self.instance.municipalities.values_list("pk", flat=True))


class OrganizationForm(forms.ModelForm):
    municipality_code = forms.CharField(
        label=_("Municipality code (6 digits)"), max_length=6, required=False,
        help_text=_("全国地方公共団体コード, e.g. 262013 for 福知山市. Leave empty for prefecture-level bodies."),
    )

    class Meta:
        model = Organization
        fields = ["kind", "name", "kana", "postal_code", "address", "phone", "email", "corporate_number"]

    def __init__(self, *args, prefecture=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefecture = prefecture
        add_version_field(self, self.instance)
        if self.instance.pk and self.instance.municipality_id:
            self.fields["municipality_code"].initial = self.instance.municipality.code

    def clean_municipality_code(self):
        code = self.cleaned_data["municipality_code"].strip()
        code = code.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not code:
            return None
        if not is_valid_local_government_code(code):
            raise forms.ValidationError(_("%(code)s is not a valid 6-digit local government code."),
                                        params={"code": code})
        municipality = Municipality.objects.select_related("prefecture").filter(code=code).first()
        if municipality is None:
            raise forms.ValidationError(_("No municipality has the code %(code)s."), params={"code": code})
        return municipality

    def clean(self):
        cleaned = super().clean()
        municipality = cleaned.get("municipality_code")
        if municipality is not None:
            self.instance.municipality = municipality
            self.instance.prefecture = municipality.prefecture
        elif self.prefecture is not None:
            self.instance.municipality = None
            self.instance.prefecture = self.prefecture
        else:
            self.add_error("municipality_code", _("Enter the municipality this organization belongs to."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    role = forms.ChoiceField(label=_("Role"))
    profession = forms.ChoiceField(label=_("Profession"), required=False,
                                   choices=[("", "—"), *Profession.choices])

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.PROFESSIONAL and not cleaned.get("profession"):
            self.add_error("profession", _("Choose the profession of a medical or care professional."))
        return cleaned


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=80)
    kana = forms.CharField(label=_("Your name in kana"), max_length=160, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password (again)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, needs_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        if not needs_password:
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        cleaned = super().clean()
        if "password1" in self.fields:
            p1, p2 = cleaned.get("password1"), cleaned.get("password2")
            if p1 and p2 and p1 != p2:
                self.add_error("password2", _("The two passwords differ."))
            elif p1:
                from .models import User

                try:
                    password_validation.validate_password(
                        p1, User(email=self.email, display_name=cleaned.get("display_name", "")))
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Object or reason contains"), required=False)
    user_label = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", "—"), *AuditEntry.Action.choices])
    object_type = forms.CharField(label=_("Object type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class APITokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)
    scope = forms.ChoiceField(label=_("Scope"), choices=APIToken.Scope.choices, initial=APIToken.Scope.READ_ONLY,
                              required=False)

    def clean_scope(self):
        # Least power when the field is left out (an older form, a script).
        return self.cleaned_data.get("scope") or APIToken.Scope.READ_ONLY
