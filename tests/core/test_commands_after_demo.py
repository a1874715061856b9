"""After ``iskra demo``, every documented command run in the same folder works on the demo's
database with no extra environment; a production server stays strict.

The end-to-end tests run the installed ``iskra`` script in a temporary folder with an empty
environment, as a newcomer would after ``uv run iskra demo``: the demo is started, checked
(email links follow ``--port``), stopped with SIGTERM (its worker must stop too), and then
the other commands are run in the same folder.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from iskra.cli import choose_environment
from iskra.env import DEMO_MARKER, demo_marker, write_demo_marker

ISKRA = str(Path(sys.executable).with_name("iskra"))
CLEAN_ENV_KEYS = ("ISKRA_ENV", "ISKRA_DATA_DIR", "DATABASE_URL", "SITE_URL", "SECRET_KEY")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the working directory, and no Iskra variables set."""
    monkeypatch.chdir(tmp_path)
    for key in CLEAN_ENV_KEYS:
        # Set, then delete: monkeypatch then restores (or removes) whatever the code sets.
        monkeypatch.setenv(key, "")
        monkeypatch.delenv(key)
    return tmp_path


def test_without_a_marker_commands_stay_production(folder: Path) -> None:
    choose_environment(["audit", "verify"])
    assert "ISKRA_ENV" not in os.environ  # settings.py's default: production


def test_a_demo_folder_makes_commands_run_as_the_demo(folder: Path) -> None:
    write_demo_marker(site_url="http://127.0.0.1:8123")
    assert (folder / "var" / DEMO_MARKER).exists()
    choose_environment(["audit", "verify"])
    assert os.environ["ISKRA_ENV"] == "demo"
    assert os.environ["SITE_URL"] == "http://127.0.0.1:8123"


def test_a_marker_in_iskra_data_dir_counts(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISKRA_DATA_DIR", str(folder / "elsewhere"))
    write_demo_marker(site_url="http://127.0.0.1:8000")
    choose_environment(["worker"])
    assert os.environ["ISKRA_ENV"] == "demo"


def test_an_explicit_production_is_never_overridden(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_demo_marker(site_url="http://127.0.0.1:8000")
    monkeypatch.setenv("ISKRA_ENV", "production")
    choose_environment(["audit", "verify"])
    assert os.environ["ISKRA_ENV"] == "production"
    assert "SITE_URL" not in os.environ


def test_a_marker_for_another_database_does_not_count(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forgotten demo folder never turns a production command into a demo one: the marker
    names the database it was made for, and DATABASE_URL now points elsewhere."""
    write_demo_marker(site_url="http://127.0.0.1:8000")
    monkeypatch.setenv("DATABASE_URL", "postgres://iskra:secret@db.example.org/iskra")
    assert demo_marker() is None
    choose_environment(["migrate"])
    assert "ISKRA_ENV" not in os.environ


def test_the_marker_keeps_no_password(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://iskra:s3cret@127.0.0.1/demo")
    write_demo_marker(site_url="http://127.0.0.1:8000")
    assert "s3cret" not in (folder / "var" / DEMO_MARKER).read_text()
    assert demo_marker() is not None


def test_a_damaged_marker_is_ignored(folder: Path) -> None:
    (folder / "var").mkdir()
    (folder / "var" / DEMO_MARKER).write_bytes(b"\xff{not json")
    choose_environment(["audit", "verify"])
    assert "ISKRA_ENV" not in os.environ


def test_the_demo_port_sets_the_address_in_emails(folder: Path) -> None:
    choose_environment(["demo", "--port", "8765", "--data-dir", str(folder / "d")])
    assert os.environ["ISKRA_ENV"] == "demo"
    assert os.environ["SITE_URL"] == "http://127.0.0.1:8765"
    assert os.environ["ISKRA_DATA_DIR"] == str(folder / "d")


def test_help_needs_no_secrets(folder: Path) -> None:
    choose_environment(["help"])
    assert os.environ["ISKRA_ENV"] == "development"


def _clean_env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONUNBUFFERED": "1"}


def test_a_wsgi_server_in_a_demo_folder_still_refuses_without_settings(tmp_path: Path) -> None:
    """``gunicorn iskra.wsgi`` loads ``iskra.wsgi``; the marker is only for the ``iskra``
    command, so a server started without its settings refuses to start."""
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / DEMO_MARKER).write_text('{"database": "default", "site_url": ""}')
    proc = subprocess.run(
        [sys.executable, "-c", "import iskra.wsgi"],
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY is required in production" in proc.stderr


def test_a_command_without_settings_or_demo_says_how_to_start(tmp_path: Path) -> None:
    proc = subprocess.run(
        [ISKRA, "audit", "verify"],
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "SECRET_KEY is required in production" in proc.stderr
    assert "run `iskra demo` first" in proc.stderr
    assert not (tmp_path / "var").exists()


def test_the_demo_refuses_production(tmp_path: Path) -> None:
    """``ISKRA_ENV=production iskra demo`` with a server's settings: no seeding, no marker."""
    env = {
        **_clean_env(tmp_path),
        "ISKRA_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "iskra.example.org",
        "EMAIL_URL": "smtp://localhost:25",
    }
    proc = subprocess.run(
        [ISKRA, "demo", "--port", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "iskra demo does not run with ISKRA_ENV=production" in proc.stderr
    assert not (tmp_path / "var" / DEMO_MARKER).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


class Demo:
    """A running ``iskra demo``, its output collected by a thread."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [ISKRA, "demo", "--port", str(port)],
            cwd=folder,
            env=_clean_env(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in the demo's output:\n{''.join(self.lines)}")


@pytest.fixture(scope="module")
def stopped_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Demo, int]]:
    """A demo started in a new folder, checked while it runs, then stopped with SIGTERM.

    Yields the folder, the demo and the pid its worker had.
    """
    folder = tmp_path_factory.mktemp("newcomer")
    demo = Demo(folder, _free_port())
    try:
        demo.wait_for(r"Iskra is running at", timeout=300)
        workers = _children(demo.proc.pid)
        assert len(workers) == 1, workers
        # The worker sends the seeded notifications; their links use the demo's port.
        demo.wait_for(rf"http://127\.0\.0\.1:{demo.port}/", timeout=120)
        demo.proc.send_signal(signal.SIGTERM)
        assert demo.proc.wait(timeout=60) == 0
        yield folder, demo, workers[0]
    finally:
        if demo.proc.poll() is None:
            demo.proc.kill()
            demo.proc.wait()


def test_the_demo_links_to_its_port_and_stops_its_worker_on_sigterm(
    stopped_demo: tuple[Path, Demo, int],
) -> None:
    folder, demo, worker = stopped_demo
    output = "".join(demo.lines)
    assert f"Iskra is running at http://127.0.0.1:{demo.port}/" in output
    assert "127.0.0.1:8000" not in output or demo.port == 8000
    assert "Stopping." in output
    assert "Traceback" not in output
    assert not _alive(worker)
    assert (folder / "var" / DEMO_MARKER).exists()


def _iskra(folder: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = subprocess.run(
        [ISKRA, *args],
        cwd=folder,
        env=env or _clean_env(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode, proc.stdout


def test_every_documented_command_works_after_the_demo(
    stopped_demo: tuple[Path, Demo, int],
) -> None:
    folder, demo, _ = stopped_demo
    (folder / "people.csv").write_text(
        "Email,First name,Surname,Branch\nnew1@example.org,New,One,Riverside Branch\n"
    )
    expected = [
        (["help"], 0, "Iskra's own commands"),
        (["audit", "verify"], 0, "audit log intact"),
        (["ballot", "export", "1", "-o", "ballot.json"], 0, "wrote ballot.json"),
        (["ballot", "verify", "ballot.json"], 0, "same result as published"),
        (["import", "members", "people.csv", "--dry-run"], 0, "1 created"),
        (["worker", "--once"], 0, ""),
        (["check"], 0, "no issues"),
        # The demo database already holds an organisation: a clear refusal, not a crash.
        (["seed", "--members", "10"], 1, "already holds an organisation"),
        (["ballot", "export", "1", "-o", "missing/x.json"], 1, "cannot write"),
        (
            ["shell", "-c", "from django.conf import settings; print(settings.SITE_URL)"],
            0,
            f"http://127.0.0.1:{demo.port}",
        ),
    ]
    for args, status, words in expected:
        code, output = _iskra(folder, *args)
        assert "SECRET_KEY" not in output, (args, output)
        assert "Traceback" not in output, (args, output)
        assert code == status, (args, output)
        assert words in output, (args, output)
    count_file = Path(__file__).resolve().parents[1] / "data" / "elections" / "meek"
    code, output = _iskra(
        folder, "count", str(count_file / "nz_sure_loser.blt"), "--method", "stv-meek"
    )
    assert code == 0 and "Elected:" in output


def test_another_database_in_the_demo_folder_stays_strict(
    stopped_demo: tuple[Path, Demo, int],
) -> None:
    folder, _, _ = stopped_demo
    env = {**_clean_env(folder), "DATABASE_URL": f"sqlite:///{folder}/production.sqlite3"}
    code, output = _iskra(folder, "audit", "verify", env=env)
    assert code == 2
    assert "SECRET_KEY is required in production" in output
