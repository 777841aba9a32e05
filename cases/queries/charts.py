"""The dashboard's two small charts, drawn as SVG numbers for the template (no script, no library)."""

from __future__ import annotations

from cases.queries.figures import Rung, Week

CHART_W, CHART_H, CHART_PAD = 640, 170, 22


def trend_chart(weeks: list[Week]) -> dict:
    """Bar positions for the 12-week chart (received, closed; closure rate as a line)."""
    top = max([max(w.received, w.due, w.closed) for w in weeks] + [1])
    slot = (CHART_W - 2 * CHART_PAD) / len(weeks)
    bar = slot * 0.36
    base = CHART_H - CHART_PAD
    scale = (CHART_H - 2 * CHART_PAD) / top
    bars, points = [], []
    for i, w in enumerate(weeks):
        x = CHART_PAD + i * slot + slot * 0.12
        for j, (kind, value) in enumerate((("received", w.received), ("closed", w.closed))):
            h = round(value * scale, 1)
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + j * bar, 1),
                    "y": round(base - h, 1),
                    "w": round(bar - 1, 1),
                    "h": h,
                    "value": value,
                    "week": w,
                    "link": w.links[kind],
                }
            )
        if w.closure_rate is not None:
            cx = round(x + bar, 1)
            points.append(f"{cx},{round(base - w.closure_rate * (CHART_H - 2 * CHART_PAD), 1)}")
    labels = [
        {"x": round(CHART_PAD + i * slot + slot / 2, 1), "week": w} for i, w in enumerate(weeks)
    ]
    return {
        "w": CHART_W,
        "h": CHART_H,
        "base": base,
        "pad": CHART_PAD,
        "top": top,
        "bars": bars,
        "rate_line": " ".join(points),
        "labels": labels,
        "right": CHART_W - CHART_PAD,
    }


def ladder_chart(rungs: list[Rung], width: int = 250) -> list[dict]:
    """Horizontal bar lengths for the ladder (share of cases closed in the period)."""
    return [
        {"rung": r, "y": i * 26, "w": round((r.share or 0) * width, 1)} for i, r in enumerate(rungs)
    ]
