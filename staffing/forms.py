from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # One message for an unknown user, a wrong password and an inactive account alike.
    error_messages = {
        "invalid_login": _("Forkert brugernavn eller adgangskode."),
        "inactive": _("Forkert brugernavn eller adgangskode."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Brugernavn")
        self.fields["password"].label = _("Adgangskode")
        self.helper = FormHelper()
        self.helper.add_input(Submit("login", _("Log ind"), css_class="btn-primary btn-lg w-100"))


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engangskode (6 cifre)"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args: object, submit_label: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("verify", submit_label or _("Bekræft"), css_class="btn-primary btn-lg")
        )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Koden består af 6 cifre."))
        return token
