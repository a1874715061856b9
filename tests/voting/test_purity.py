"""The counting engine must not depend on Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap

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
