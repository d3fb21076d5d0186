"""The OpenAPI document: valid, generated from the code, covering every /api route; and the
page that shows it, within the app's CSP."""

import re
from pathlib import Path

from openapi_spec_validator import validate

from ..helpers import assert_valid_html


def _document(client) -> dict:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def test_the_document_validates(client):
    validate(_document(client))


def test_the_document_covers_every_api_route(app, client):
    documented = {(path, method.upper())
                  for path, operations in _document(client)["paths"].items()
                  for method in operations if method != "parameters"}
    own = {"/api/v1/openapi.json", "/api/v1/docs"}  # the document and its page
    routes = {(rule.rule.replace("<", "{").replace(">", "}").replace("{id:", "{"), method)
              for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") and rule.rule not in own
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - documented == set()
    assert documented - routes == set()


def test_the_page_shows_every_route_without_a_cdn(client):
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert_valid_html(page, "/api/v1/docs")
    for path in _document(client)["paths"]:
        assert path in page
    # The base page's own scripts only: nothing from another host, nothing inline.
    tags = re.findall(r"<(?:script|link)[^>]*>", page)
    assert all(re.search(r'(src|href)="/', tag) for tag in tags), tags
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]


def test_docs_api_md_has_a_curl_example_per_route(client):
    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    examples = [line for line in text.splitlines() if "curl " in line or line.startswith("     ")]
    for path, operations in _document(client)["paths"].items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/ ?\"]+", re.escape(path)) + r"(?:\?|\"|$)"
        for method in operations:
            if method == "parameters":
                continue
            found = [line for line in examples if re.search(pattern, line)
                     and (method == "get" and "-X " not in line
                          or f"-X {method.upper()}" in line
                          or method == "post" and "-X POST" in text)]
            assert found, (method, path)
