"""Apps depend one way (portal → practices → search's helpers): no model imports a view or the API."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VIEW_MODULES = {"search.views", "search.api", "practices.views", "portal.views"}


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def model_files():
    for app in ("portal", "practices", "search"):
        single = ROOT / app / "models.py"
        yield from [single] if single.exists() else sorted((ROOT / app / "models").glob("*.py"))


def test_no_model_imports_a_view_or_the_api():
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in model_files()
        for module in imported_modules(path)
        if module in VIEW_MODULES
    }
    assert not offenders


def test_result_cards_and_listings_come_from_the_search_service_module():
    imports = {module for path in model_files() for module in imported_modules(path)}
    assert {"search.results.card", "search.results.listing_context"} <= imports
