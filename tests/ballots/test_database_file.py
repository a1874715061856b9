"""The embedded database's files are its owner's alone: the SQLite file holds every ballot (and
every member), so it and the data folder are created 0600 / 0700, like the secret key, and
SQLite's own -wal and -shm files inherit the database file's permissions."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")

LOAD_SETTINGS = "import iskra.settings"


def load_settings(**env: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOAD_SETTINGS],
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_folder_database_and_key_are_created_for_their_owner_alone(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    # A permissive umask, as on many servers: nothing created may follow it.
    old = os.umask(0o002)
    try:
        load_settings(ISKRA_ENV="development", ISKRA_DATA_DIR=str(data))
    finally:
        os.umask(old)
    database = data / "iskra.sqlite3"
    assert mode(data) == 0o700
    assert mode(database) == 0o600
    assert mode(data / "secret_key") == 0o600
    # SQLite gives its write-ahead log and shared-memory index the database file's mode.
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    try:
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{database}{suffix}")) == 0o600, suffix
    finally:
        connection.close()


def test_a_database_url_file_is_created_for_its_owner_alone(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere" / "org.sqlite3"
    load_settings(
        ISKRA_ENV="development",
        ISKRA_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700


def test_existing_files_keep_the_permissions_their_owner_chose(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o750)
    data.chmod(0o750)
    database = data / "iskra.sqlite3"
    database.touch()
    database.chmod(0o640)
    load_settings(ISKRA_ENV="development", ISKRA_DATA_DIR=str(data))
    assert (mode(data), mode(database)) == (0o750, 0o640)
