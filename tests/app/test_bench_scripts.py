"""Every bench the README names runs as written there (`python bench/x.py`): its imports of the project's own
packages come after it puts the project root on the path (Python puts only bench/ there)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = ("bench", "tests")


def _named_in_readme() -> list[Path]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return sorted({ROOT / name for name in re.findall(r"bench/\w+\.py", readme)})


def _imports_own_package(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] in OWN
    return isinstance(node, ast.Import) and any(a.name.split(".")[0] in OWN for a in node.names)


def _puts_root_on_path(node: ast.stmt) -> bool:
    return "sys.path" in ast.unparse(node) and "parent.parent" in ast.unparse(node)


def test_the_benches_the_readme_names_find_the_project_packages() -> None:
    scripts = _named_in_readme()
    assert len(scripts) >= 10
    unready = []
    for script in scripts:
        assert script.is_file(), script
        body = ast.parse(script.read_text(encoding="utf-8")).body
        first_own = next((i for i, node in enumerate(body) if _imports_own_package(node)), None)
        if first_own is not None and not any(_puts_root_on_path(node) for node in body[:first_own]):
            unready.append(script.name)
    assert unready == []
