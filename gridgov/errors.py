"""The one way an action refuses: a DomainError, in words for the person (translated), naming
the field it is about when there is one.

It is a ValidationError, so what a model's own checks raise inside an action and what the action
decides itself reach a page the same way: a page catches ValidationError and puts each message on
its field, or above the form. A missing object is Http404 and a right the person lacks is
PermissionDenied, as everywhere in Django; neither is a DomainError.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

NON_FIELD = "form"


class DomainError(ValidationError):
    """`message` with the `field` it is about (or none), or {field: message} for several."""

    def __init__(self, message, field: str | None = None):
        super().__init__({field: [message]} if field else message)
        self.field = field
        if not isinstance(message, dict):
            self.message = str(message)


def field_errors(error: ValidationError, *, default: str = NON_FIELD) -> dict[str, list[str]]:
    """{field: [messages]} of a refusal; messages about no field go under `default`."""
    if hasattr(error, "error_dict"):
        return {
            (default if name == "__all__" else name): [str(m) for e in errors for m in e.messages]
            for name, errors in error.error_dict.items()
        }
    return {default: [str(m) for m in error.messages]}


def add_to_form(form, error: ValidationError) -> None:
    """Each message on the form's field it names; any other message above the form."""
    for name, messages in field_errors(error, default="").items():
        form.add_error(name if name in form.fields else None, messages)
