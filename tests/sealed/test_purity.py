"""The sealed-ballot cryptography must not depend on Django (the verifier runs without it)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap

import iskra.sealed


def test_no_module_imports_django() -> None:
    modules = [m.name for m in pkgutil.walk_packages(iskra.sealed.__path__, prefix="iskra.sealed.")]
    assert "iskra.sealed.shuffle" in modules
    assert "iskra.sealed.cli" in modules
    code = textwrap.dedent(
        f"""
        import importlib, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is not allowed in iskra.sealed")
                return None

        sys.meta_path.insert(0, Block())
        for name in {["iskra.sealed", *modules]!r}:
            importlib.import_module(name)
        assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_trustee_command_runs_without_django(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`iskra trustee` is dispatched before Django is imported (like `iskra count`)."""
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is not allowed here")
                return None

        sys.meta_path.insert(0, Block())
        from iskra.cli import main
        sys.exit(main(["trustee", "keygen", "missing.json", "--key", "k.json"]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 1
    assert "round file missing.json: no such file" in done.stderr
    assert "Traceback" not in done.stderr
