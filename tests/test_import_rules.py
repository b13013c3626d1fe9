"""The house drawn from its imports: no import runs back up, no circles.

Every module under ``studyapp/`` and ``bench/`` is parsed, imports inside
functions included (a lazy import still ties two modules together).

Floors, lowest first: ``noteformat``, ``scheduling`` (0) -> ``notes`` (1) ->
``accounts`` (2) -> ``study`` (3) -> ``exams`` (4) -> ``authoring``, ``teams``
(5). A module may import its own floor's app and the floors below; two apps
on one floor never import each other. The way up is a signal or a callback.

Root modules (``studyapp/*.py``): ``settings``, ``urls``, ``wsgi`` (and ``asgi``, if one comes)
wire the apps together, so they are the top and may import anything. Every
other root module (``htmx``, ``csp``, ``sanitizer``, ``env``...) is a helper
below the apps: it may import other root helpers and no app. ``bench/`` is a
set of programs over the app, so it sits on the top too; nothing in
``studyapp/`` imports it.

An import under ``if TYPE_CHECKING:`` counts like any other, for the floors
and for circles: it never runs, but it still says the module depends on the
other, and hiding a circle from the interpreter does not remove it from the
house (a Protocol, or the type moved down a floor, does).

Circles: the strongly connected components of the module import graph (one
edge per ``import``, to the module named, not to its parent packages); any
component of two or more modules, or a module importing itself, is a circle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("studyapp", "bench")

APP_FLOORS = {
    "noteformat": 0,
    "scheduling": 0,
    "notes": 1,
    "accounts": 2,
    "study": 3,
    "exams": 4,
    "authoring": 5,
    "teams": 5,
}
TOP = 99
HELPER = -1
TOP_ROOT_MODULES = {"settings", "urls", "wsgi", "asgi"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect_modules(base: Path, packages=SCANNED) -> dict[str, Path]:
    return {module_name(path, base): path for package in packages for path in sorted((base / package).rglob("*.py"))}


def _known(name: str, modules) -> str | None:
    """The longest prefix of a dotted name that is one of our modules."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _imported_names(node: ast.Import | ast.ImportFrom, package: str, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    # ``from pkg import name``: name is a submodule of pkg, or something pkg defines.
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def collect_imports(modules: dict[str, Path]) -> list[Import]:
    """Every import of one of ``modules`` by another, at any depth (inside
    functions and ``if`` blocks too), once per statement and target."""
    found = set()
    for source, path in modules.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in _imported_names(node, package, modules):
                    target = _known(name, modules)
                    if target is not None:
                        found.add(Import(source, target, node.lineno))
    return sorted(found, key=lambda edge: (edge.source, edge.line, edge.target))


def floor_of(module: str) -> tuple[int, str | None]:
    """The module's floor and its app (None for root modules and bench)."""
    top, _, rest = module.partition(".")
    if top != "studyapp":
        return TOP, None
    head = rest.partition(".")[0]
    if head in APP_FLOORS:
        return APP_FLOORS[head], head
    if head in TOP_ROOT_MODULES:
        return TOP, None
    if "." in rest:
        raise AssertionError(f"{module}: its app has no floor in APP_FLOORS")
    return HELPER, None


def layering_violations(imports: list[Import]) -> list[str]:
    found = []
    for edge in imports:
        source_floor, source_app = floor_of(edge.source)
        target_floor, target_app = floor_of(edge.target)
        if target_floor > source_floor:
            found.append(f"{edge.source}:{edge.line} imports {edge.target}, a higher floor")
        elif target_floor == source_floor and source_app and target_app and source_app != target_app:
            found.append(f"{edge.source}:{edge.line} imports {edge.target}, an app on its own floor")
    return sorted(found)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def circles(imports: list[Import]) -> list[str]:
    graph: dict[str, set[str]] = {}
    for edge in imports:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    return sorted(
        " <-> ".join(component)
        for component in strongly_connected(graph)
        if len(component) > 1 or component[0] in graph[component[0]]
    )


def test_no_module_imports_a_higher_floor_or_an_app_on_its_own_floor():
    assert layering_violations(collect_imports(collect_modules(ROOT))) == []


def test_no_two_modules_import_each_other_directly_or_through_a_circle():
    assert circles(collect_imports(collect_modules(ROOT))) == []


def _planted(base: Path, modules: dict[str, str]) -> list[Import]:
    """The imports of a synthetic house: ``modules`` maps paths under
    ``base`` to their text; every folder on the way is a package."""
    for name, text in modules.items():
        path = base / name
        for folder in reversed(path.relative_to(base).parents):
            (base / folder).mkdir(exist_ok=True)
            if folder != Path("."):
                (base / folder / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    (base / "bench").mkdir(exist_ok=True)
    return collect_imports(collect_modules(base))


def test_the_checker_reports_planted_up_imports_and_a_planted_circle(tmp_path):
    imports = _planted(
        tmp_path,
        {
            "studyapp/notes/models.py": "def f():\n    from studyapp.study import models\n",
            "studyapp/study/models.py": "from . import views\n",
            "studyapp/study/views.py": "from studyapp.study.queue import next_two\n",
            "studyapp/study/queue.py": "def g():\n    import studyapp.study.models\n",
            "studyapp/teams/views.py": "from studyapp.authoring import views\n",
            "studyapp/authoring/views.py": "",
            "studyapp/htmx.py": "from studyapp.notes.models import Note\n",
            "studyapp/urls.py": "from studyapp.teams import views\n",
        },
    )

    assert layering_violations(imports) == [
        "studyapp.htmx:1 imports studyapp.notes.models, a higher floor",
        "studyapp.notes.models:2 imports studyapp.study.models, a higher floor",
        "studyapp.teams.views:1 imports studyapp.authoring.views, an app on its own floor",
    ]
    assert circles(imports) == ["studyapp.study.models <-> studyapp.study.queue <-> studyapp.study.views"]


def test_a_type_checking_import_counts_for_the_floors_and_for_circles(tmp_path):
    imports = _planted(
        tmp_path,
        {
            "studyapp/noteformat/repair.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from studyapp.noteformat.model import Model\n    from studyapp.notes.models import Note\n",
            "studyapp/noteformat/model.py": "from studyapp.noteformat import repair\n",
            "studyapp/notes/models.py": "",
        },
    )

    assert layering_violations(imports) == [
        "studyapp.noteformat.repair:4 imports studyapp.notes.models, a higher floor"
    ]
    assert circles(imports) == ["studyapp.noteformat.model <-> studyapp.noteformat.repair"]
