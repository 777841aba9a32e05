"""The login form."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField


class LoginForm(AuthenticationForm):
    # Django's form sets max_length after the field is built, so it is never checked: a
    # 300-character name would reach authentication (and axes' 255-character column).
    username = UsernameField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
