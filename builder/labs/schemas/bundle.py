"""The strict JSON schemas that kubernetes-validate bundles, one folder per Kubernetes minor
release: found on disk, loaded once per release into one `referencing.Registry`, with one compiled
`jsonschema` validator kept per definition. This is the only module of the package that reads files.

Kinds are found through the `x-kubernetes-group-version-kind` tags of the definitions rather than
through the bundle's file names (`deployment-apps-v1.json`), which keep only the first label of the
group and so would also match a custom `apps.example.com/v1` Deployment."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from builder.labs.schemas.fragments import index_properties
from builder.labs.schemas.removals import REMOVED_GROUPS, version_key

_FOLDER = re.compile(r"v(\d+)\.(\d+)\.\d+-local-strict")


@functools.cache
def _bundle_folders() -> dict[str, Path]:
    """Strict schema folders by "X.Y"; found without importing kubernetes_validate (it imports a lot)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("kubernetes-validate is not installed: pip install kubernetes-validate")
    root = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    found = {f"{m[1]}.{m[2]}": p for p in root.iterdir() if (m := _FOLDER.fullmatch(p.name))}
    return dict(sorted(found.items(), key=lambda item: version_key(item[0])))


def available_versions() -> list[str]:
    """Kubernetes releases ("1.25" … "1.37") whose schemas are bundled, oldest first."""
    return list(_bundle_folders())


def normalise_version(version: str | None) -> str:
    versions = available_versions()
    if version is None:
        return versions[-1]
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", version.strip())
    short = f"{match[1]}.{match[2]}" if match else version
    if short not in versions:
        raise ValueError(f"no bundled schemas for Kubernetes {version!r}: available {', '.join(versions)}")
    return short


@functools.cache
def _bundle_files(version: str) -> frozenset[str]:
    """File names of a release's bundle: enough to tell whether it served a built-in kind."""
    return frozenset(p.name for p in _bundle_folders()[version].iterdir())


def _bundle_file_name(group: str, version: str, kind: str) -> str:
    prefix = f"-{group.split('.')[0]}" if group else ""
    return f"{kind.lower()}{prefix}-{version}.json"


def releases_serving(group: str, version: str, kind: str) -> list[str]:
    name = _bundle_file_name(group, version, kind)
    return [release for release in available_versions() if name in _bundle_files(release)]


class Bundle:
    """One release's definitions: one registry, and validators compiled on first use."""

    def __init__(self, version: str) -> None:
        contents = json.loads((_bundle_folders()[version] / "_definitions.json").read_text(encoding="utf-8"))
        self.version = version
        self.base: str = contents["$id"]
        self.defs: dict[str, dict[str, Any]] = contents["$defs"]
        self.registry = Registry().with_resource(self.base, Resource.from_contents(contents))
        self.validator_class = jsonschema.validators.validator_for(contents)
        self.kinds = self._index_kinds()
        self.groups = frozenset(group for group, _ in self.kinds)
        self._validators: dict[object, Any] = {}
        self._property_index: dict[str, frozenset[str]] | None = None

    @property
    def property_index(self) -> dict[str, frozenset[str]]:
        """Field name -> definitions that have it (built on first use: only slides need it)."""
        if self._property_index is None:
            self._property_index = index_properties(self.defs)
        return self._property_index

    def _index_kinds(self) -> dict[tuple[str, str], dict[str, str]]:
        """(group, version) -> kind -> definition; definitions tagged with many kinds are shared helpers."""
        kinds: dict[tuple[str, str], dict[str, str]] = {}
        for name, schema in self.defs.items():
            tags = schema.get("x-kubernetes-group-version-kind", [])
            if len(tags) == 1:
                tag = tags[0]
                kinds.setdefault((tag["group"], tag["version"]), {})[tag["kind"]] = name
        return kinds

    def ref(self, name: str) -> dict[str, str]:
        return {"$ref": f"{self.base}#/$defs/{name}"}

    def validator(self, key: object, make_schema: Any) -> Any:
        if key not in self._validators:
            self._validators[key] = self.validator_class(make_schema(), registry=self.registry)
        return self._validators[key]

    def object_validator(self, name: str) -> Any:
        return self.validator(name, lambda: self.ref(name))

    def fragment_validator(self, name: str) -> Any:
        """The definition without its own `required`: a fragment shows some fields, not all."""
        return self.validator(("fragment", name), lambda: self._fragment_schema(name))

    def _fragment_schema(self, name: str) -> dict[str, Any]:
        schema = {k: v for k, v in self.defs[name].items() if k != "required"}
        return _absolute_refs(schema, self.base)


@functools.cache
def bundle_for(version: str) -> Bundle:
    return Bundle(version)


def is_builtin_group(group: str, bundle: Bundle) -> bool:
    """Served by this release, by the newest bundled one (loaded only if needed), or by an old one."""
    if group in bundle.groups or group in REMOVED_GROUPS:
        return True
    return group in bundle_for(available_versions()[-1]).groups


def _absolute_refs(node: Any, base: str) -> Any:
    """Copy of a schema whose local `#/...` refs point into `_definitions.json`, for use outside it."""
    if isinstance(node, dict):
        return {k: (base + v if k == "$ref" and v.startswith("#") else _absolute_refs(v, base))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(v, base) for v in node]
    return node
