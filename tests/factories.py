"""Factories for test data. Tree nodes go through grids.actions so tests see real lft/rght."""

import itertools

import factory
from django.contrib.auth import get_user_model

from grids import actions as grid_actions
from staff import actions as staff_actions

PASSWORD = "correct-horse-battery-staple"

_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_node(parent, tier: str, name: str | None = None, code: str | None = None, **fields):
    """A node under `parent` with the next free code segment of the right length."""
    from grids.models import GridNode

    if parent is None:
        code = code or f"{610000 + next(_codes) % 9999:06d}"
    elif code is None:
        width = {"town": 3, "area": 0, "village": 3, "grid": 3, "micro_grid": 3}[tier]
        base = parent.code
        if parent.tier == "area":
            base = parent.parent.code
        if tier == "area":
            taken = GridNode.objects.filter(parent=parent, tier="area").count()
            code = f"{parent.code}P{taken + 1:02d}"
        else:
            n = next(_codes) % (10**width - 1) + 1
            code = f"{base}{n:0{width}d}"
    return grid_actions.node_create(
        actor=None,
        parent_id=parent.pk if parent else None,
        name=name or f"{tier}-{code}",
        tier=tier,
        code=code,
        **fields,
    )


def grant(user, node, role: str):
    return staff_actions.assignment_grant(actor=None, user_id=user.pk, node_id=node.pk, role=role)
