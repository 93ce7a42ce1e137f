"""A throw-away PostgreSQL server for the tests, from the PyPI package ``pgserver`` (it ships the server
binaries in its wheel; in the ``dev`` extra). It listens on a Unix-domain socket in a temporary folder
(no TCP port, nothing reachable from outside) and is stopped at the end of the session.

``postgres_url()`` returns a SQLAlchemy URL of a fresh, empty database, or calls ``pytest.skip`` with the
reason when no server can be started here (package missing, or the binaries refuse to run)."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile

import pytest

_server = None
_error: str | None = None
_count = itertools.count()


def _start():
    global _server, _error
    if _server is not None or _error is not None:
        return
    try:
        import pgserver
    except ImportError:
        _error = "pgserver is not installed (pip install -e '.[dev]')"
        return
    folder = tempfile.mkdtemp(prefix="jointshield-pg-")
    try:
        _server = pgserver.get_server(folder, cleanup_mode="stop")
    except Exception as exc:  # noqa: BLE001  (initdb/pg_ctl failures come in many types)
        _error = f"could not start PostgreSQL from pgserver: {type(exc).__name__}: {exc}"
        return

    def _stop():
        try:
            _server.cleanup()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(_stop)


def postgres_url() -> str:
    _start()
    if _server is None:
        pytest.skip(_error)
    name = f"js_test_{next(_count)}"
    _server.psql(f"CREATE DATABASE {name};")
    uri = _server.get_uri(name)  # postgresql://postgres:@/NAME?host=/tmp/...
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)
