"""Reads that pages, reports and the API share, by subject: the cases themselves and their KPIs
(here), the dashboard, the ranking, the board, county calls, the meeting sheet, intake, report
periods and figures. docs/kpis.md says what each figure counts."""

from cases.queries.cases import (
    CASE_FILTERS,
    DATE_FILTERS,
    GRID_TIERS,
    SETTLED_TIERS,
    STANDING,
    Kpis,
    cases_in,
    filter_cases,
    kpis,
    level_history,
    my_open_cases,
    units_serving,
)

__all__ = [
    "CASE_FILTERS",
    "DATE_FILTERS",
    "GRID_TIERS",
    "SETTLED_TIERS",
    "STANDING",
    "Kpis",
    "cases_in",
    "filter_cases",
    "kpis",
    "level_history",
    "my_open_cases",
    "units_serving",
]
