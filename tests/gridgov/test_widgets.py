"""The form renderer writes a <select> itself: the same markup Django's templates make."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from gridgov.widgets import FormRenderer

CHOICES = [
    ("", "—"),
    ("甲组", [(1, "沙河营村 <第一网格>"), (2, 'quote " & amp')]),
    (3, "无组"),
]


def both(widget, name, value, attrs=None):
    ours = widget.render(name, value, attrs, renderer=FormRenderer())
    django = widget.render(name, value, attrs, renderer=DjangoTemplates())
    return parse_html(ours), parse_html(django), ours


def test_a_select_with_groups_a_choice_and_attributes_is_drawn_as_djangos_templates_draw_it():
    widget = forms.Select(choices=CHOICES, attrs={"class": "x", "required": True, "data-a": "<"})
    ours, django, html = both(widget, "node", 2, {"id": "id_node"})
    assert ours == django
    assert "<optgroup" in html and "selected" in html
    assert "<第一网格>" not in html  # the label is escaped


def test_a_multiple_select_marks_every_chosen_option_as_djangos_does():
    widget = forms.SelectMultiple(choices=CHOICES)
    ours, django, html = both(widget, "residents", ["1", "3"])
    assert ours == django
    assert html.count("selected") == 2


def test_a_select_without_a_choice_or_with_no_options_matches_too():
    for widget, value in ((forms.Select(choices=CHOICES), None), (forms.Select(choices=[]), "")):
        ours, django, _html = both(widget, "x", value)
        assert ours == django


def test_a_select_whose_options_use_another_template_is_left_to_the_templates():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Special(choices=[(1, "one")])
    ours, django, _html = both(widget, "x", 1)
    assert ours == django
    assert 'type="' in _html  # drawn by the other template, not written out as an <option>


class Labelled(forms.Form):
    required_css_class = "needed"
    name = forms.CharField(label="姓名 <甲>")
    note = forms.CharField(label="备注?", required=False)


def test_a_label_is_drawn_as_djangos_template_draws_it():
    for auto_id in ("id_%s", False):
        ours, django = (
            Labelled(auto_id=auto_id, renderer=FormRenderer()),
            Labelled(auto_id=auto_id, renderer=DjangoTemplates()),
        )
        for name in ("name", "note"):
            mine, theirs = ours[name], django[name]
            assert parse_html(mine.label_tag()) == parse_html(theirs.label_tag())
            assert parse_html(mine.legend_tag()) == parse_html(theirs.legend_tag())
            assert parse_html(mine.label_tag(attrs={"class": "x"})) == parse_html(
                theirs.label_tag(attrs={"class": "x"})
            )
    assert "&lt;甲&gt;" in str(Labelled(renderer=FormRenderer())["name"].label_tag())


def test_the_site_draws_its_forms_with_this_renderer(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    assert isinstance(get_default_renderer(), FormRenderer)
