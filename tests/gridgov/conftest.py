# Cases made through the actions, for the notification tests.
from tests.cases.conftest import county_staff, report, units  # noqa: F401
