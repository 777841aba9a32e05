"""Cases on the API door (/api/v1/): the reference lists, cases and their actions (driven by
cases.workflow's one table), county calls and the KPIs, all through the access policy."""
