from django import forms

from grids.models import GridNode


class NodeFactsForm(forms.ModelForm):
    """A node's own facts; its place in the tree and its code are changed in the admin."""

    class Meta:
        model = GridNode
        fields = ["name", "kind", "households", "population", "difficulty"]

    def _post_clean(self):
        # The node_update action validates the whole node under a lock; here only field checks.
        pass
