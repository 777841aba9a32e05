"""Data shared by the benchmarks that build a county of their own: its tree (10 towns, 100
villages, 600 grids, 6,000 micro-grids, built with `tree_bulk_create`) and its cases, inserted
set-based with status and color from a hash of the number, so that every grid and micro-grid
mixes them."""

TOWNS, VILLAGES, GRIDS, MICRO = 10, 10, 6, 10  # per parent: 10 × 10 × 6 × 10 = 6,000 micro-grids


def build_tree():
    from grids import actions as grid_actions
    from grids.actions import NodeRow

    county = grid_actions.node_create(
        actor=None, parent_id=None, name="基准县", tier="county", code="619998"
    )
    rows = []
    for t in range(1, TOWNS + 1):
        town = f"619998{100 + t:03d}"
        rows.append(NodeRow("619998", f"基准镇{t}", "town", town))
        for v in range(1, VILLAGES + 1):
            village = f"{town}{200 + v:03d}"
            rows.append(NodeRow(town, f"镇{t}村{v}", "village", village))
            for g in range(1, GRIDS + 1):
                grid = f"{village}{g:03d}"
                rows.append(
                    NodeRow(
                        village, f"镇{t}村{v}网格{g}", "grid", grid, {"difficulty": "ABC"[g % 3]}
                    )
                )
                for m in range(1, MICRO + 1):
                    rows.append(NodeRow(grid, f"微网格{m}", "micro_grid", f"{grid}{m:03d}"))
    grid_actions.tree_bulk_create(actor=None, root_id=county.pk, rows=rows)
    county.refresh_from_db()
    return county


_COLUMNS = """number, tracking_code, title, description, source, emergency, node_id, owner_node_id,
    color, suggested_color, status, handler_id, reporter_name, reporter_phone, parties, location,
    result, public_reply, sms_opt_out, clear_by, accepted_at, resolved_at, closed_at,
    rework_count, escalation_count, reopen_count, settled_tier, extension_reason, created_at,
    updated_at, county_tree"""


def insert_cases(
    county, first: int, last: int, now, *, days: int = 730, before: int = 0, closed: bool = False
) -> None:
    """Cases numbered first..last in the county, set-based (INSERT … SELECT generate_series).
    9 in 10 in a micro-grid, 1 in 10 in a grid; reported evenly over 730 days. Status and color
    come from a hash of the number, so every grid mixes them (15% open, 75% closed, the rest
    untriaged or rejected), as bench/phone_home.py does; a case whose closing would lie after
    `now` is still being handled. `days` and `before`: reported over the `days` days that end
    `before` days ago; `closed`: every case closed (a county's history)."""
    from django.db import connection

    from grids.models import GridNode

    def ids(tier):
        return list(
            GridNode.objects.filter(tree_id=county.tree_id, tier=tier)
            .order_by("lft")
            .values_list("pk", flat=True)
        )

    micro, grids = ids("micro_grid"), ids("grid")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cases_case ({_COLUMNS})
            SELECT 'G-' || s.g, 'GT' || s.g, '基准事件', '基准事件的描述', 'patrol', false,
                s.node, s.node, CASE WHEN s.k <= 1 THEN '' ELSE s.color END, '',
                CASE WHEN s.k = 0 THEN 'reported' WHEN s.k = 1 THEN 'rejected'
                     WHEN s.k = 2 THEN 'accepted' WHEN s.k = 3 THEN 'dispatched'
                     WHEN s.k = 4 THEN 'handling' ELSE 'closed' END,
                NULL, '', '', '', '', '', '', false,
                CASE WHEN s.k >= 2 THEN s.created + s.clear END,
                CASE WHEN s.k >= 2 THEN s.created + interval '1 hour' END,
                CASE WHEN s.k >= 5 THEN s.created + s.clear * s.took END,
                CASE WHEN s.k >= 5 THEN s.created + s.clear * s.took + interval '2 hours' END,
                CASE WHEN mod(s.g, 13) = 0 THEN 1 ELSE 0 END,
                CASE WHEN mod(s.g, 11) = 0 THEN 1 ELSE 0 END, 0,
                CASE WHEN s.k < 5 THEN ''
                     ELSE (ARRAY['micro_grid','grid','grid','grid','grid','grid','village',
                                 'village','town','county'])[1 + mod(s.g, 10)] END,
                '', s.created, s.created, %(tree)s
            FROM (
              -- A case whose closing would lie in the future is still being handled.
              SELECT s0.*, CASE WHEN s0.k0 >= 5
                    AND s0.created + s0.clear * s0.took + interval '2 hours' > %(now)s
                  THEN 4 ELSE s0.k0 END AS k
              FROM (
                SELECT g, greatest(mod(h.v, 20), %(min_k)s) AS k0,
                    CASE WHEN mod(g, 10) = 0
                         THEN (%(grids)s::int[])[1 + mod(g / 10, %(n_grids)s)]
                         ELSE (%(micro)s::int[])[1 + mod(g, %(n_micro)s)] END AS node,
                    (ARRAY['yellow','yellow','yellow','orange','red'])[1 + mod(h.v / 20, 5)]
                        AS color,
                    (ARRAY[interval '1 day', interval '1 day', interval '1 day',
                           interval '7 days', interval '30 days'])[1 + mod(h.v / 20, 5)] AS clear,
                    CASE WHEN mod(h.v / 100, 7) = 0 THEN 1.5 ELSE 0.5 END AS took,
                    %(now)s - (%(before)s + mod(g, %(days)s)) * interval '1 day' - mod(g, 17) * interval '1 hour'
                        AS created
                FROM generate_series(%(first)s, %(last)s) AS g
                CROSS JOIN LATERAL (SELECT hashint4(g)::bigint + 2147483648 AS v) AS h
              ) AS s0
            ) AS s
            """,
            {
                "first": first,
                "last": last,
                "now": now,
                "tree": county.tree_id,
                "micro": micro,
                "n_micro": len(micro),
                "grids": grids,
                "n_grids": len(grids),
                "days": days,
                "before": before,
                "min_k": 5 if closed else 0,
            },
        )
