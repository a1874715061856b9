"""The counting engine must not depend on Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import iskra.voting


def test_no_module_imports_django() -> None:
    modules = [m.name for m in pkgutil.walk_packages(iskra.voting.__path__, prefix="iskra.voting.")]
    assert "iskra.voting.stv.scottish" in modules
    code = textwrap.dedent(
        f"""
        import importlib, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is not allowed in iskra.voting")
                return None

        sys.meta_path.insert(0, Block())
        for name in {["iskra.voting", *modules]!r}:
            if name != "iskra.voting.__main__":
                importlib.import_module(name)
        assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_count_loads_only_its_reader_and_its_method() -> None:
    """``iskra count`` is timed as a whole process: the package imports nothing up front,
    and a BLT file counted by stv-scottish loads neither the other readers nor the other
    methods (nor the motion and threshold modules the apps use)."""
    ward = "tests/data/elections/scotland2017/ballots/renfrewshire_2017_ward1.blt"
    code = textwrap.dedent(
        f"""
        import contextlib, io, sys
        import iskra.voting
        assert not [m for m in sys.modules if m.startswith("iskra.voting.")], sys.modules
        from iskra.voting.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([{ward!r}, "--method", "stv-scottish"]) == 0
        print(" ".join(sorted(m for m in sys.modules if m.startswith("iskra"))))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    assert "iskra.voting.stv.scottish" in out
    assert "iskra.voting.formats.blt" in out
    for absent in (
        "iskra.voting.stv.meek",
        "iskra.voting.stv.ers97",
        "iskra.voting.condorcet",
        "iskra.voting.irv",
        "iskra.voting.plurality",
        "iskra.voting.motions",
        "iskra.voting.thresholds",
        "iskra.voting.formats.csvfile",
        "iskra.voting.formats.preflib",
        "iskra.voting.formats.abif",
        "iskra.voting.formats.edinburgh",
    ):
        assert absent not in out


def test_iskra_count_needs_no_settings(tmp_path: Path) -> None:
    """A member's laptop: the installed command, an empty environment, a folder with no
    ./var: the count runs, loads no Django and leaves nothing behind."""
    ward = Path(__file__).resolve().parents[1] / "data" / "elections" / "meek" / "nz_sure_loser.blt"
    script = Path(sys.executable).with_name("iskra")
    proc = subprocess.run(
        [str(script), "count", str(ward), "--method", "stv-meek"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Elected:" in proc.stdout
    assert list(tmp_path.iterdir()) == []
    code = (
        "import sys\nfrom iskra.cli import main\n"
        f"main(['count', {str(ward)!r}, '--method', 'stv-meek'])\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
