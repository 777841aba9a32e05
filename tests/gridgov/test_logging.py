"""The web log: a refused or missing page is one line, a server error keeps its traceback."""

import logging
import sys

from gridgov.log import ClientErrorsInOneLine


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_403_page_logs_one_line_without_a_traceback(client, cast, caplog):
    client.force_login(cast.worker_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/desk/").status_code == 403
    (record,) = _request_records(caplog)
    assert record.status_code == 403 and record.exc_info is None
    assert "Traceback" not in caplog.text and "Forbidden" in caplog.text


def test_a_404_page_logs_one_line_without_a_traceback(client, cast, caplog):
    client.force_login(cast.staff_town1)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/desk/reports/999999/xlsx/").status_code == 404
    (record,) = _request_records(caplog)
    assert record.status_code == 404 and record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    assert ClientErrorsInOneLine().filter(record)
    assert record.exc_info is not None


def test_a_403_line_names_the_path_and_the_user_at_warning(client, cast, caplog):
    client.force_login(cast.town1_admin)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/desk/intake/").status_code == 403
    (record,) = _request_records(caplog)
    assert record.levelno == logging.WARNING
    assert (
        record.getMessage()
        == f"Forbidden (Permission denied): /desk/intake/ (user {cast.town1_admin.pk})"
    )
    assert caplog.text.count("\n") == 1 and "Traceback" not in caplog.text


def test_an_anonymous_refusal_says_so_and_a_percent_in_the_path_is_kept(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/desk/reports/999999%25/xlsx/").status_code == 404
    (record,) = _request_records(caplog)
    assert record.getMessage().endswith("/desk/reports/999999%/xlsx/ (user anonymous)")
