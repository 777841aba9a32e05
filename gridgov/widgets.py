"""How form fields are drawn: Django's own templates, but for the <select> and the <label>."""

from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"


class FormRenderer(DjangoTemplates):
    """Django's default renderer, except that a <select> of the standard options is written out
    here. Drawn by the templates, each option is a template of its own with its attributes
    another: a case page's few small forms offer hundreds of options (places, people, units,
    categories) and spent more time drawing them than everything else on the page. The markup
    is the templates' own. So is a label's, a template of one line drawn for every field."""

    def render(self, template_name, context, request=None):
        if template_name == LABEL:
            return label_html(context)
        widget = context.get("widget") if template_name == SELECT else None
        if widget is None or not all(
            option["template_name"] == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return super().render(template_name, context, request)
        return select_html(widget)


def select_html(widget: dict) -> str:
    parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(format_html('\n  <optgroup label="{}">', group))
        for option in options:
            # Each part is escaped already; format_html on every option would cost more.
            value, label = (
                conditional_escape(str(option["value"])),
                conditional_escape(option["label"]),
            )
            parts.append(f'\n  <option value="{value}"{flatatt(option["attrs"])}>{label}</option>')
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def label_html(context: dict) -> str:
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = context["tag"]
    return f"<{tag}{flatatt(context['attrs'] or {})}>{label}</{tag}>"
