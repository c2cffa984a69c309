"""What `pip install -e .` installs is enough for every command: no third-party import of the
package is left to an extra, except Dask (its commands say how to install it)."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions, requires
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "diplosim"
OPTIONAL = {"dask", "distributed"}  # `--dask` without them: one sentence, `pip install diplosim[dask]`


def _imported_top_modules() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"diplosim", "__future__"}


def test_every_third_party_module_the_package_imports_is_a_core_dependency() -> None:
    core = {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower()
            for r in requires("diplosim") or [] if "extra ==" not in r}
    owners = packages_distributions()
    missing = []
    for module in sorted(_imported_top_modules() - OPTIONAL):
        distributions = {d.lower() for d in owners.get(module, [module])}
        if not distributions & core:
            missing.append(f"{module} ({', '.join(sorted(distributions))})")
    assert not missing, f"imported but not in [project] dependencies: {missing}"
