"""The shape of the package: imports form no circle, and the core stands on its own."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
CORE = "app.loyalty"
CORE_MAY_IMPORT = ("app.extensions", "app.database", CORE)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every module of `modules` that `path` imports, anywhere in it (inside functions too).
    `from package import module` depends on the module; on the package only for a name the
    package itself defines, or when the package is not one that holds `path` (those are
    imported first whatever the module says)."""
    module = _module_name(path)
    package = module if _is_package(path) else module.rpartition(".")[0]
    ancestors = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names = [f"{source}.{alias.name}" for alias in node.names]
            found.update(name for name in names if name in modules)
            if source not in ancestors or any(name not in modules for name in names):
                found.add(source)
    return found - {module}


def _graph() -> dict[str, set[str]]:
    """The import graph of the modules under app/: each module's imports of the others."""
    paths = {_module_name(path): path for path in APP.rglob("*.py")}
    return {name: _imports(path, set(paths)) & set(paths) for name, path in paths.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, if there is any (a depth-first search for a back edge)."""
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_modules_under_app_import_each_other_in_no_circle():
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_a_circle_of_imports_is_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _core_modules() -> list[Path]:
    return sorted((APP / "loyalty").rglob("*.py"))


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(APP)))
def test_the_core_imports_nothing_from_flask_or_the_rest_of_the_app(path):
    outside = set()
    for target in _imports(path, set()):
        top = target.split(".")[0]
        if top == "flask" or top.startswith("flask_"):
            outside.add(target)
        elif top == "app" and not any(target == allowed or target.startswith(allowed + ".")
                                      for allowed in CORE_MAY_IMPORT):
            outside.add(target)
    assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


PLUMBING = ("app.web", "app.extensions", "app.database", "app.config")
FEATURES = ("app.admin", "app.api", "app.auth", "app.earn", "app.inbox", "app.storefront",
            "app.payments",
            "app.notify", "app.sms", "app.cli", "app.demo", "app.jobs")


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_plumbing_imports_no_feature():
    graph = _graph()
    wrong = {(module, target) for module, targets in graph.items() for target in targets
             if _under(module, PLUMBING) and _under(target, FEATURES)}
    assert not wrong, f"plumbing that imports a feature: {sorted(wrong)}"
