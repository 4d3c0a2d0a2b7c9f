"""The OpenAPI schema describes every operation, filter, field and enumeration, with examples,
and the documentation page is served by the app itself under the site's strict CSP."""

import json
import re

import pytest

from public.api.urls import router
from statements.models import Medium

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_list_and_record_of_the_router_is_an_operation(schema):
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for prefix, _, _ in router.registry:
        assert {f"/api/v1/{prefix}/", f"/api/v1/{prefix}/{{id}}/"} <= paths, prefix
    assert "/api/v1/changes/" in paths
    assert {method for _, method, _ in operations(schema)} == {"get"}
    assert all(op.get("summary") and op.get("description") for _, _, op in operations(schema))


def test_every_filter_of_a_list_is_a_described_parameter(schema):
    for prefix, viewset, _ in router.registry:
        parameters = {
            p["name"]: p for p in schema["paths"][f"/api/v1/{prefix}/"]["get"]["parameters"]
        }
        expected = {*viewset.filterset_class.base_filters, "cursor", "page_size"}
        assert set(parameters) == expected, prefix
        for name, parameter in parameters.items():
            assert parameter["in"] == "query"
            assert len(parameter.get("description", "")) > 8, (prefix, name)
    statements = {p["name"]: p for p in schema["paths"]["/api/v1/statements/"]["get"]["parameters"]}
    assert statements["medium"]["schema"]["enum"] == sorted(Medium.values)
    assert "* `press_statement` - Press statement" in statements["medium"]["description"]
    assert statements["city"]["schema"]["type"] == "array"
    assert statements["q"]["schema"]["maxLength"] == 200
    assert statements["said_after"]["schema"]["format"] == "date"
    assert statements["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}


def test_every_field_and_enumeration_is_described(schema):
    components = schema["components"]["schemas"]
    for name, component in components.items():
        if "enum" in component:
            assert component["description"].startswith("* `"), name
            continue
        for field, definition in component.get("properties", {}).items():
            if name.startswith("Paginated"):
                continue
            assert definition.get("description"), f"{name}.{field} has no description"
    assert components["StanceLevel"]["enum"] == ["refuses", "limited", "cooperates", "unknown"]
    assert set(components["Practices"]["properties"]) == {
        "joins_ice_operations",
        "shares_databases",
        "honours_detainers",
        "notifies_releases",
        "has_287g_agreement",
        "declared_sanctuary",
    }


def test_errors_limits_and_validators_are_part_of_every_operation(schema):
    for path, _, operation in operations(schema):
        responses = operation["responses"]
        assert responses["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Errors"
        }
        assert responses["429"]["headers"]["Retry-After"]["required"] is True
        assert {"ETag", "Last-Modified"} <= set(responses["200"]["headers"])
        assert "304" in responses
        assert ("404" in responses) == ("{id}" in path), path


def test_lists_show_an_example_page(schema):
    for path in ("statements", "jurisdictions", "stances", "changes"):
        content = schema["paths"][f"/api/v1/{path}/"]["get"]["responses"]["200"]["content"]
        [example] = content["application/json"]["examples"].values()
        assert set(example["value"]) == {"next", "previous", "results"}
        assert example["value"]["results"][0]["url"].startswith("https://")


def test_the_docs_page_runs_no_inline_script_and_loads_only_the_apps_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(url.startswith("/") for url in sources), sources
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<style nonce="{nonce}">' in html
    start = [url for url in sources if "script" in url and "sidecar" not in url]
    assert start == ["/api/docs/?script="]
    script = client.get(start[0])
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()
