"""The HTML catalog in a real headless browser (Debian's chromium, driven by Playwright).

GIVEN the HTML catalog of an app with an anyone-can-assume administrator role, long ARNs
and hostile names, WHEN Chromium opens it at 1400 px and at 420 px, THEN it loads with
no console error and no request, shows every role (the dangerous one first, marked
critical), nothing overflows the viewport at phone width, the filter box narrows the
cards, and the print layout hides the filter.

Skipped, with the reason shown, on a machine without Chromium (`make test` installs it
where it can).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.catalog import build_catalog
from cdk_iam_roles.catalog._html import render_html
from cdk_iam_roles.cfn import StackTemplate

ACCOUNT = "111111111111"
_CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)


def _role(principal: Any, **props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
                ],
            },
            **props,
        },
    }


def _template() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for n in range(14):
        resources[f"Service{n}"] = _role(
            {"Service": "lambda.amazonaws.com"},
            RoleName=f"service-role-with-a-rather-long-name-number-{n:02d}",
            Path="/application/team-with-a-long-path/component/",
        )
    resources["Vendor"] = _role({"AWS": "arn:aws:iam::222222222222:root"}, RoleName="vendor")
    resources["Hostile"] = _role(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ci"},
        RoleName="hostile",
        Description='<script>window.__xss=1</script> " \\u202e',
    )
    resources["OpenAdmin"] = _role(
        {"AWS": "*"},
        RoleName="open-admin",
        ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"],
    )
    return {"Resources": resources}


ROLES = 17


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stack = StackTemplate.from_template(
        _template(), name="Zoo", account=ACCOUNT, region="eu-west-1"
    )
    path = tmp_path_factory.mktemp("html") / "catalog.html"
    path.write_text(render_html(build_catalog([stack])), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if _CHROMIUM is None:
        pytest.skip("no Chromium on this machine (install Debian's chromium: make browser)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=_CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _open(browser: Any, page_file: Path, width: int) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
    page.goto(page_file.as_uri())
    return page, errors, requests


@pytest.mark.parametrize("width", [1400, 420])
def test_loads_clean_and_shows_every_role(browser: Any, page_file: Path, width: int) -> None:
    page, errors, requests = _open(browser, page_file, width)
    assert errors == []
    assert requests == []
    assert page.locator("article.card").count() == ROLES
    assert page.evaluate("window.__xss") is None
    first = page.locator("article.card").first
    assert "open-admin" in first.inner_text()
    assert "critical" in first.locator(".badge").first.inner_text()
    assert page.locator("#attention").is_visible()
    page.close()


def test_nothing_overflows_at_phone_width(browser: Any, page_file: Path) -> None:
    page, _, _ = _open(browser, page_file, 420)
    overflow = page.evaluate(
        """() => {
          const bad = [];
          if (document.documentElement.scrollWidth > window.innerWidth) bad.push('page');
          for (const el of document.querySelectorAll('article.card, article.card *')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > window.innerWidth + 0.5) {
              bad.push(el.tagName + ' ' + el.className);
            }
          }
          return bad;
        }"""
    )
    assert overflow == []
    page.close()


def test_role_column_is_not_squeezed_at_desktop_width(browser: Any, page_file: Path) -> None:
    page, _, _ = _open(browser, page_file, 1400)
    width = page.evaluate("document.querySelector('article.card dd').getBoundingClientRect().width")
    assert width > 600
    page.close()


def test_filter_narrows_the_cards(browser: Any, page_file: Path) -> None:
    page, _, _ = _open(browser, page_file, 1400)
    page.fill("#filter", "vendor")
    visible = page.locator("article.card:visible")
    assert visible.count() == 1
    assert "vendor" in visible.first.inner_text()
    assert "1 of 17" in page.inner_text("#shown")
    page.fill("#filter", "")
    assert page.locator("article.card:visible").count() == ROLES
    page.close()


def test_print_layout_hides_the_filter(browser: Any, page_file: Path) -> None:
    page, _, _ = _open(browser, page_file, 1400)
    page.emulate_media(media="print")
    assert not page.locator(".bar").is_visible()
    assert page.locator("article.card").count() == ROLES
    page.close()
