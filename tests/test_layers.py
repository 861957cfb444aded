"""The layers of the code (`giamngheo.layers`): no import goes up a layer, and the apps import
one another without a cycle. Every import is read from the source, at the top of a module or
inside a function (a late import is still a dependency), `if TYPE_CHECKING:` ones too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from giamngheo.layers import LAYERS

ROOT = Path(__file__).resolve().parent.parent
# The packages whose modules are placed in a layer (migrations import no app code).
PACKAGES = ("giamngheo", "audit", "households", "programs", "jobs", "reports", "demo")


def layer_of(module: str) -> int | None:
    """The layer of `module` (`LAYERS`, by its longest prefix); None outside the project."""
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(f"{prefix}.")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports(path: Path, module: str, known: set[str]) -> Iterator[tuple[str, int]]:
    """The project modules `module` (at `path`) imports, with their line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from households import units`: the module households.units.
                name = f"{base}.{alias.name}"
                yield (name if name in known else base), node.lineno


def upward_imports() -> list[str]:
    modules = project_modules()
    known = set(modules)
    found = []
    for module, path in modules.items():
        here = layer_of(module)
        assert here is not None, f"{module} is in no layer of giamngheo.layers.LAYERS"
        for target, line in imports(path, module, known):
            there = layer_of(target)
            if there is not None and there > here:
                found.append(f"{path.relative_to(ROOT)}:{line} {module} imports {target}")
    return found


def test_no_module_imports_from_a_layer_above() -> None:
    assert upward_imports() == []


def test_the_apps_import_one_another_without_a_cycle() -> None:
    modules = project_modules()
    known = set(modules)
    apps = ("audit", "households", "programs", "jobs", "reports", "demo")

    def app_of(module: str) -> str | None:
        # The app its layer is named after.
        layer = layer_of(module)
        top = LAYERS[layer][0].split(".")[0] if layer is not None else ""
        return top if top in apps else None

    edges: dict[str, set[str]] = {app: set() for app in apps}
    for module, path in modules.items():
        source = app_of(module)
        if source is None:
            continue
        for target, _line in imports(path, module, known):
            other = app_of(target)
            if other is not None and other != source:
                edges[source].add(other)

    # Depth-first: a cycle is an edge back to an app still on the path.
    state: dict[str, str] = {}
    cycles: list[str] = []

    def visit(app: str, path: list[str]) -> None:
        state[app] = "open"
        for other in sorted(edges[app]):
            if state.get(other) == "open":
                cycles.append(" → ".join([*path[path.index(other) :], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[app] = "done"

    for app in apps:
        if app not in state:
            visit(app, [app])
    assert cycles == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("giamngheo.formatting", 0),
        ("households.models.registry", 2),
        ("demo.people", 6),
        ("programs.scope", 3),
        ("giamngheo.access", 7),
    ],
)
def test_a_module_is_in_the_layer_of_its_longest_prefix(module: str, layer: int) -> None:
    assert layer_of(module) == layer
