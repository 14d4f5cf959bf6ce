"""The OpenAPI document is valid, served, and describes exactly the API's routes."""
import re

from openapi_spec_validator import validate

from tests.integration.api_support import DOC, PREFIX, Api


def test_the_document_is_a_valid_openapi_3_1_description():
    assert DOC["openapi"].startswith("3.1")
    validate(DOC)


def test_every_documented_operation_is_a_route_and_every_api_route_is_documented(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(PREFIX):])
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in DOC["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    assert routes == documented


def test_every_post_requires_an_idempotency_key_and_every_operation_a_key_but_the_document(app):
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            refs = [p.get("$ref", "") for p in operation.get("parameters", [])]
            if method == "post":
                assert "#/components/parameters/IdempotencyKey" in refs, path
            public = operation.get("security") == []
            assert public == path.startswith("/openapi"), path


def test_the_document_is_served_as_json_and_yaml_without_a_key(client):
    api = Api(client, None)
    as_json = api.get("/openapi.json", key=None)
    as_yaml = api.get("/openapi.yaml", key=None)

    assert as_json.status_code == 200 and as_json.get_json() == DOC
    assert as_yaml.status_code == 200 and "openapi: 3.1.0" in as_yaml.get_data(as_text=True)
