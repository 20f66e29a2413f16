"""The layout of the packages, read from the source with `ast` (every import, including those
inside functions): `reviews` is the domain and knows nothing of the web; the blueprints
(`portal`, `staff`, `accessibility`) use `web` and `reviews` but never one another; `web` reaches
the blueprints only from its composition root, web/__init__.py, which registers them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BLUEPRINTS = ("portal", "staff", "accessibility")
WEB_FRAMEWORK = ("flask", "werkzeug", "flask_wtf", "wtforms", "flask_limiter")
NOT_IN_DOMAIN = (*WEB_FRAMEWORK, "web", *BLUEPRINTS)

# The only web-side libraries a domain module may use, and where.
DOMAIN_EXCEPTIONS = {
    "reviews/database.py": {"flask_sqlalchemy"},
    "reviews/models/staff.py": {"flask_login"},
}
# The composition root: the one web module that may import the blueprints.
COMPOSITION_ROOT = "web/__init__.py"


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, wherever it is."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return imports_in(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, the text of `module`."""
    # The package that a relative import (`from . import x`) starts from.
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_rules_see_every_package() -> None:
    for package in ("reviews", "web", *BLUEPRINTS):
        assert _modules(package), f"no modules found under {package}/"


def test_every_import_is_read_even_inside_a_function_or_relative() -> None:
    source = (
        "import flask\n"
        "from . import forms\n"
        "from ..staff import access\n"
        "def f():\n"
        "    from web.config import PROJECT_ROOT\n"
    )
    assert [name for _, name in imports_in(source, "portal.journey")] == [
        "flask",
        "portal",
        "staff",
        "web.config",
    ]
    assert [name for _, name in imports_in("from . import x\n", "portal", is_package=True)] == [
        "portal"
    ]


@pytest.mark.parametrize("path", _modules("reviews"), ids=_name)
def test_the_domain_imports_nothing_of_the_web(path: Path) -> None:
    allowed = DOMAIN_EXCEPTIONS.get(_name(path), set())
    wrong = [
        f"{_name(path)}:{line} imports {module}"
        for line, module in _imports(path)
        if _is_web_side(_top(module)) and _top(module) not in allowed
    ]
    assert not wrong, "the domain (reviews/) must not import the web side:\n" + "\n".join(wrong)


def _is_web_side(top: str) -> bool:
    """The web framework, any Flask extension, or one of the project's web packages."""
    return top in NOT_IN_DOMAIN or top.startswith("flask_")


@pytest.mark.parametrize(
    "path", [path for blueprint in BLUEPRINTS for path in _modules(blueprint)], ids=_name
)
def test_blueprints_never_import_one_another(path: Path) -> None:
    own = _name(path).split("/", 1)[0]
    wrong = [
        f"{_name(path)}:{line} imports {module}"
        for line, module in _imports(path)
        if _top(module) in BLUEPRINTS and _top(module) != own
    ]
    assert not wrong, "a blueprint must not import another blueprint:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", _modules("web"), ids=_name)
def test_web_imports_blueprints_only_in_the_composition_root(path: Path) -> None:
    if _name(path) == COMPOSITION_ROOT:
        return
    wrong = [
        f"{_name(path)}:{line} imports {module}"
        for line, module in _imports(path)
        if _top(module) in BLUEPRINTS
    ]
    assert not wrong, (
        f"only {COMPOSITION_ROOT} (the app factory) may import a blueprint:\n" + "\n".join(wrong)
    )


# Import cycles ------------------------------------------------------------------------------

CODE_PACKAGES = ("reviews", "web", *BLUEPRINTS)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _load_time_imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports when it loads: its top-level imports (not those
    inside functions, which run later, nor those only for type checkers), each resolved to a
    module (`from reviews import clock` is reviews.clock)."""
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (
                ".".join([*package[: len(package) - node.level + 1], node.module or ""]).strip(".")
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {name for name in found if name in known and name != module}


def test_no_module_imports_itself_round_a_cycle() -> None:
    paths = [path for package in CODE_PACKAGES for path in _modules(package)]
    known = {_module_name(path) for path in paths}
    graph = {_module_name(path): _load_time_imports(path, known) for path in paths}
    cycles: list[str] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append(" -> ".join([*trail[trail.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "modules that import each other when they load:\n" + "\n".join(cycles)
