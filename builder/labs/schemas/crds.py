"""Custom resource definitions: OpenAPI v3 (as the API server reads it) to strict JSON schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from builder.labs.schemas.bundle import Bundle

CRD_API = "apiextensions.k8s.io/v1"

_OPENAPI_ONLY = frozenset({"nullable", "exclusiveMinimum", "exclusiveMaximum", "properties", "items",
                           "additionalProperties"})


def _strict_crd_schema(node: object) -> dict[str, Any]:
    """Unknown fields are errors unless `x-kubernetes-preserve-unknown-fields`: the API server prunes them."""
    if not isinstance(node, dict):
        return {}  # a broken CRD: its own validation as a CustomResourceDefinition reports it
    out = {k: v for k, v in node.items() if k not in _OPENAPI_ONLY}
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    if node.get("nullable") and "type" in out:
        out["type"] = [*(out["type"] if isinstance(out["type"], list) else [out["type"]]), "null"]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(bound)
        if value is True and limit in node:  # OpenAPI 3.0: a flag on the limit, not a number
            out[bound] = out.pop(limit)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[bound] = value
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: _strict_crd_schema(v) for k, v in node["properties"].items()}
    if isinstance(node.get("items"), dict):
        out["items"] = _strict_crd_schema(node["items"])
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = _strict_crd_schema(extra)
    elif extra is not None:
        out["additionalProperties"] = extra
    elif node.get("type") == "object" and not node.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    if node.get("x-kubernetes-embedded-resource"):
        out["properties"] = {"apiVersion": {}, "kind": {}, "metadata": {}, **out.get("properties", {})}
    return out


def crd_root_schema(openapi: dict[str, Any], bundle: Bundle) -> dict[str, Any]:
    schema = _strict_crd_schema({"type": "object", **openapi})
    schema["properties"] = {
        **schema.get("properties", {}),
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": bundle.ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
    }
    return schema


def served_crd_versions(crd: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(group, version, kind, openAPIV3Schema) for each served version of one CRD document."""
    spec = crd.get("spec") or {}
    group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
    if not isinstance(group, str) or not isinstance(kind, str):
        return
    for entry in spec.get("versions") or []:
        if isinstance(entry, dict) and entry.get("served", True) and isinstance(entry.get("name"), str):
            schema = entry.get("schema")
            openapi = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
            if not isinstance(openapi, dict):
                openapi = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
            yield group, entry["name"], kind, openapi
