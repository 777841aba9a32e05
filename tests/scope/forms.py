"""What a browser would submit from a page: the fields of its forms, read from the HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values sent
    names: list[str] = field(default_factory=list)  # every named control, sent or not
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type / select / textarea


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def _form(self) -> Form | None:
        return self.forms[-1] if self.forms else None

    def _add(self, name: str, value: str | None, kind: str) -> None:
        form = self._form()
        if form is None or not name:
            return
        if name not in form.names:
            form.names.append(name)
            form.kinds[name] = kind
        if value is not None:
            form.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(Form(a.get("action") or "", (a.get("method") or "get").lower()))
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            name = a.get("name") or ""
            if kind in ("checkbox", "radio"):
                self._add(name, (a.get("value") or "on") if "checked" in a else None, kind)
            elif kind == "file":
                self._add(name, None, kind)
            else:
                self._add(name, a.get("value") or "", kind)
        elif tag == "select":
            self._select = a.get("name") or ""
            self._select_first, self._select_chosen = None, "multiple" in a
            self._add(self._select, None, "select")
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_chosen = True
                self._add(self._select, value, "select")
        elif tag == "textarea":
            self._textarea = a.get("name") or ""
            self._text = []

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first, "select")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).lstrip("\n"), "textarea")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def forms_of(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    return reader.forms


def flat(fields: dict[str, list[str]]) -> dict[str, list[str] | str]:
    return {k: v if len(v) != 1 else v[0] for k, v in fields.items()}
