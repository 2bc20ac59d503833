"""Every kind of public page passes axe-core's WCAG 2.1 A and AA rules, in both languages."""

from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, demo_practices
from tests.conftest import missing_service

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        missing_service("axe-core", "tests/browser.sh axe (tests/run.sh does it)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_page(browser):
    """A page that lets the test inject axe-core: the site's CSP (tested by the other browser tests) refuses inline scripts."""
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def violations(page, axe_source):
    """axe-core's WCAG A/AA violations on the loaded page, as 'rule: selectors' strings."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{v['id']} ({v['impact']}): {', '.join(t for node in v['nodes'] for t in map(str, node['target']))}"
        for v in result["violations"]
    ]


def public_paths(lang):
    """Every kind of public page in one language, for the demo content."""
    practices = demo_practices()
    bilingual = next(r for r in practices.values() if set(r["title"]) == {"en", "ja"} and r["schemes"])
    japanese_only = next(r for r in practices.values() if set(r["title"]) == {"ja"})
    return [
        f"/{lang}/",
        f"/{lang}/practices/",
        f"/{lang}/practices/?topic={bilingual['topics'][0]['slug']}",
        f"/{lang}/practices/topics/{bilingual['topics'][0]['slug']}/",
        f"/{lang}/practices/schemes/{bilingual['schemes'][0]['slug']}/",
        f"/{lang}/practices/{bilingual['organisation']['slug']}/",
        f"/{lang}/practices/{bilingual['organisation']['slug']}/{bilingual['slug']}/",
        f"/{lang}/practices/{japanese_only['organisation']['slug']}/{japanese_only['slug']}/",
        f"/{lang}/search/?q=cyberbullying",
        f"/{lang}/search/?q=ネットいじめ&sort=date",
        f"/{lang}/search/?q=zzzzqqqq",
        f"/{lang}/join/",
        f"/{lang}/practices/{bilingual['organisation']['slug']}/{bilingual['slug']}/contact/",
        f"/{lang}/practices/schemes/pegi/",
        f"/{lang}/help/",
        f"/{lang}/for/parents/",
        f"/{lang}/practices/topics/grooming/",
        f"/{lang}/search/?q=someone+is+blackmailing+my+son",
        f"/{lang}/search/?q=死にたい",
        f"/{lang}/open-data/",
        f"/{lang}/statistics/",
        f"/{lang}/compare/{bilingual['topics'][0]['slug']}/",
        f"/{lang}/practices/travelled/",
    ]


# Four tests of ~12 pages (each language in two halves), so that the two pytest workers share the ~46
# pages with the other browser tests evenly (one test per language took 33–38 s of a ~110 s run).
@pytest.mark.parametrize("half", [0, 1])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_public_pages_have_no_wcag_violations(axe_page, site_url, axe_source, lang, half):
    page = axe_page
    found = {}
    for path in public_paths(lang)[half::2]:
        response = page.goto(site_url + path)
        assert response.status == 200, path
        if problems := violations(page, axe_source):
            found[path] = problems
    assert found == {}
    # The check itself works: an unlabelled field added to the last page is reported.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert any(problem.startswith("label ") for problem in violations(page, axe_source))
