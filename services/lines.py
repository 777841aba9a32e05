"""An item's lists as people type them, one line each, in the admin's boxes and in the cells of
the catalog's spreadsheet: the procedure's steps, the policy documents with their articles, the
materials with original or copy and how many. Parsing here, deciding in services.actions."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.models import MaterialForm

_NUMBERING = re.compile(
    r"^\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[.、，,)）:：]\s*|^\s*[（(][0-9]{1,2}[)）]\s*"
)
_DOCUMENT = re.compile(r"^(《[^》]{1,200}》)\s*(.*)$")
_COUNT = re.compile(r"^([0-9]{1,2})\s*(?:份|张|本|件|个)?$")
# What people write for each form of a material, in either language.
_FORMS = {
    "原件": MaterialForm.ORIGINAL,
    "original": MaterialForm.ORIGINAL,
    "复印件": MaterialForm.COPY,
    "copy": MaterialForm.COPY,
    "原件及复印件": MaterialForm.BOTH,
    "原件和复印件": MaterialForm.BOTH,
    "原件、复印件": MaterialForm.BOTH,
    "both": MaterialForm.BOTH,
}
_FORM_WORDS = {
    MaterialForm.ORIGINAL: "原件",
    MaterialForm.COPY: "复印件",
    MaterialForm.BOTH: "原件及复印件",
}


def _lines(text: str) -> list[tuple[int, str]]:
    return [
        (n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()
    ]


def _refuse(number: int, line: str, problem: str) -> ValidationError:
    return ValidationError(
        _("Line %(number)d (%(line)s): %(problem)s.")
        % {"number": number, "line": line[:40], "problem": problem}
    )


def steps_from(text: str) -> list[str]:
    """One step a line; a typed "1." or "（2）" in front is the order, not the step."""
    return [_NUMBERING.sub("", line).strip() or line for _n, line in _lines(text)]


def steps_text(steps: list[str]) -> str:
    return "\n".join(steps)


def basis_from(text: str) -> list[dict]:
    """One document a line: "《社会救助暂行办法》第十一条", or "document | articles"."""
    out = []
    for number, line in _lines(text):
        if "|" in line:
            document, _bar, articles = (part.strip() for part in line.partition("|"))
        else:
            found = _DOCUMENT.match(line)
            document, articles = (found[1], found[2].strip()) if found else (line, "")
        if not document:
            raise _refuse(number, line, _("name the document first"))
        out.append({"document": document, "articles": articles})
    return out


def basis_text(basis: list) -> str:
    return "\n".join(f"{b.document} | {b.articles}" if b.articles else b.document for b in basis)


def materials_from(text: str) -> list[dict]:
    """One material a line: "居民身份证 | 原件 | 1" (original, copy or both; how many)."""
    out = []
    for number, line in _lines(text):
        parts = [p.strip() for p in re.split(r"[|｜]", line)]
        name, form, count = parts[0], MaterialForm.ORIGINAL, 1
        if not name or len(parts) > 3:
            raise _refuse(number, line, _("write the material, original or copy, and how many"))
        if len(parts) > 1 and parts[1]:
            form = _FORMS.get(parts[1].lower())
            if form is None:
                raise _refuse(number, line, _("say 原件 (original), 复印件 (copy) or 原件及复印件"))
        if len(parts) > 2 and parts[2]:
            found = _COUNT.match(parts[2])
            if found is None or int(found[1]) < 1:
                raise _refuse(number, line, _("say how many as a number from 1 to 99"))
            count = int(found[1])
        out.append({"name": name, "form": form, "count": count})
    return out


def materials_text(materials: list) -> str:
    return "\n".join(f"{m.name} | {_FORM_WORDS.get(m.form, m.form)} | {m.count}" for m in materials)
