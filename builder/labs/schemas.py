"""Offline checks of the Kubernetes manifests used by labs and shown on slides.

The schemas are the strict JSON schemas that kubernetes-validate bundles (one folder per Kubernetes
minor release). Unlike `kubernetes_validate.validate()`, which reloads them for every document, each
release's `_definitions.json` is loaded once into one `referencing.Registry`, and one `jsonschema`
validator is kept per object kind, so a warm check costs well under a millisecond a document.

Kinds are found through the `x-kubernetes-group-version-kind` tags of the definitions rather than
through the bundle's file names (`deployment-apps-v1.json`), which keep only the first label of the
group and so would also match a custom `apps.example.com/v1` Deployment.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from builder.diagnostics import CourseError

ProblemKind = Literal[
    "invalid", "unknown-field", "removed-api", "deprecated-api", "unknown-kind", "unchecked", "not-an-object"
]
MAX_PROBLEMS = 5  # per document: past a handful, a trainer fixes and reruns
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_FOLDER = re.compile(r"v(\d+)\.(\d+)\.\d+-local-strict")
_CRD_API = "apiextensions.k8s.io/v1"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a manifest: `path` is a field path such as `spec.template.spec.containers[0]`."""

    kind: ProblemKind
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class YamlError(Exception):
    """A YAML file that cannot be read; the caller knows the file, so it attaches the path."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message

    def at(self, path: str) -> CourseError:
        return CourseError(path, self.line, self.message)


# ---------------------------------------------------------------------------------------------------
# Releases that removed (or will remove) well-known API versions, from the official deprecation guide.


@dataclass(frozen=True, slots=True)
class Removal:
    """An API version of some kinds that Kubernetes stopped serving in `removed_in`."""

    api_version: str
    kinds: tuple[str, ...]
    removed_in: str
    use: tuple[str, ...]  # replacement apiVersions, best first; empty when there is none
    note: str = ""


_WORKLOADS = ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision")
_FLOWCONTROL = ("FlowSchema", "PriorityLevelConfiguration")
_FLOWCONTROL_USE = tuple(f"flowcontrol.apiserver.k8s.io/{v}" for v in ("v1", "v1beta3", "v1beta2"))
_NO_PSP = "PodSecurityPolicy has no replacement: use Pod Security Admission (namespace labels)"

REMOVALS: tuple[Removal, ...] = (
    Removal("extensions/v1beta1", ("Deployment", "DaemonSet", "ReplicaSet"), "1.16", ("apps/v1",)),
    Removal("extensions/v1beta1", ("NetworkPolicy",), "1.16", ("networking.k8s.io/v1",)),
    Removal("extensions/v1beta1", ("PodSecurityPolicy",), "1.16", (), _NO_PSP),
    Removal("apps/v1beta1", ("Deployment", "StatefulSet", "ControllerRevision"), "1.16", ("apps/v1",)),
    Removal("apps/v1beta2", _WORKLOADS, "1.16", ("apps/v1",)),
    Removal("extensions/v1beta1", ("Ingress",), "1.22", ("networking.k8s.io/v1",)),
    Removal("networking.k8s.io/v1beta1", ("Ingress", "IngressClass"), "1.22", ("networking.k8s.io/v1",)),
    Removal("admissionregistration.k8s.io/v1beta1",
            ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"), "1.22",
            ("admissionregistration.k8s.io/v1",)),
    Removal("apiextensions.k8s.io/v1beta1", ("CustomResourceDefinition",), "1.22",
            ("apiextensions.k8s.io/v1",)),
    Removal("apiregistration.k8s.io/v1beta1", ("APIService",), "1.22", ("apiregistration.k8s.io/v1",)),
    Removal("authentication.k8s.io/v1beta1", ("TokenReview",), "1.22", ("authentication.k8s.io/v1",)),
    Removal("authorization.k8s.io/v1beta1",
            ("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview",
             "SelfSubjectRulesReview"), "1.22", ("authorization.k8s.io/v1",)),
    Removal("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",), "1.22",
            ("certificates.k8s.io/v1",)),
    Removal("coordination.k8s.io/v1beta1", ("Lease",), "1.22", ("coordination.k8s.io/v1",)),
    Removal("rbac.authorization.k8s.io/v1beta1", ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
            "1.22", ("rbac.authorization.k8s.io/v1",)),
    Removal("scheduling.k8s.io/v1beta1", ("PriorityClass",), "1.22", ("scheduling.k8s.io/v1",)),
    Removal("storage.k8s.io/v1beta1", ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"), "1.22",
            ("storage.k8s.io/v1",)),
    Removal("batch/v1beta1", ("CronJob",), "1.25", ("batch/v1",)),
    Removal("discovery.k8s.io/v1beta1", ("EndpointSlice",), "1.25", ("discovery.k8s.io/v1",)),
    Removal("events.k8s.io/v1beta1", ("Event",), "1.25", ("events.k8s.io/v1",)),
    Removal("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), "1.25", ("autoscaling/v2",)),
    Removal("policy/v1beta1", ("PodDisruptionBudget",), "1.25", ("policy/v1",)),
    Removal("policy/v1beta1", ("PodSecurityPolicy",), "1.25", (), _NO_PSP),
    Removal("node.k8s.io/v1beta1", ("RuntimeClass",), "1.25", ("node.k8s.io/v1",)),
    Removal("flowcontrol.apiserver.k8s.io/v1beta1", _FLOWCONTROL, "1.26", _FLOWCONTROL_USE),
    Removal("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), "1.26", ("autoscaling/v2",)),
    Removal("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), "1.27", ("storage.k8s.io/v1",)),
    Removal("flowcontrol.apiserver.k8s.io/v1beta2", _FLOWCONTROL, "1.29", _FLOWCONTROL_USE),
    Removal("flowcontrol.apiserver.k8s.io/v1beta3", _FLOWCONTROL, "1.32", _FLOWCONTROL_USE[:1]),
)
_REMOVED = {(r.api_version, kind): r for r in REMOVALS for kind in r.kinds}


# ---------------------------------------------------------------------------------------------------
# Bundled releases.


def _version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _last_removals() -> dict[str, str]:
    """API version -> the release that removed the last of its kinds."""
    last: dict[str, str] = {}
    for removal in REMOVALS:
        known = last.get(removal.api_version)
        if known is None or _version_key(removal.removed_in) > _version_key(known):
            last[removal.api_version] = removal.removed_in
    return last


_REMOVED_API_VERSIONS = _last_removals()


@functools.cache
def _bundle_folders() -> dict[str, Path]:
    """Strict schema folders by "X.Y"; found without importing kubernetes_validate (it imports a lot)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("kubernetes-validate is not installed: pip install kubernetes-validate")
    root = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    found = {f"{m[1]}.{m[2]}": p for p in root.iterdir() if (m := _FOLDER.fullmatch(p.name))}
    return dict(sorted(found.items(), key=lambda item: _version_key(item[0])))


def available_versions() -> list[str]:
    """Kubernetes releases ("1.25" … "1.37") whose schemas are bundled, oldest first."""
    return list(_bundle_folders())


def _normalise_version(version: str | None) -> str:
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


def _releases_serving(group: str, version: str, kind: str) -> list[str]:
    name = _bundle_file_name(group, version, kind)
    return [release for release in available_versions() if name in _bundle_files(release)]


class _Bundle:
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
def _bundle(version: str) -> _Bundle:
    return _Bundle(version)


_REMOVED_GROUPS = frozenset(r.api_version.rpartition("/")[0] for r in REMOVALS)


def _is_builtin_group(group: str, bundle: _Bundle) -> bool:
    """Served by this release, by the newest bundled one (loaded only if needed), or by an old one."""
    if group in bundle.groups or group in _REMOVED_GROUPS:
        return True
    return group in _bundle(available_versions()[-1]).groups


def _absolute_refs(node: Any, base: str) -> Any:
    """Copy of a schema whose local `#/...` refs point into `_definitions.json`, for use outside it."""
    if isinstance(node, dict):
        return {k: (base + v if k == "$ref" and v.startswith("#") else _absolute_refs(v, base))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(v, base) for v in node]
    return node


# ---------------------------------------------------------------------------------------------------
# From jsonschema errors to one-line messages.


def format_path(parts: Iterable[str | int]) -> str:
    """`("spec", "containers", 0, "image")` -> `spec.containers[0].image`; odd keys are quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _SIMPLE_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"{'integer' if isinstance(value, int) else 'number'} {value}"
    if isinstance(value, str):
        return f"string {json.dumps(value if len(value) <= 40 else value[:37] + '...')}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _expected_types(validator_value: object) -> list[str]:
    types = validator_value if isinstance(validator_value, list) else [validator_value]
    names = {"object": "a mapping", "array": "a list"}
    return [names.get(str(t), str(t)) for t in types if t != "null"]


def _closest(word: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    same_case = [c for c in choices if c.lower() == word.lower()]
    if same_case:
        return same_case[0]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _suggestion(word: str, choices: Iterable[str]) -> str:
    close = _closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""


def _unknown_fields(error: ValidationError) -> list[Problem]:
    known = error.schema.get("properties", {})
    problems = []
    for field in error.instance:
        if field in known:
            continue
        hint = _suggestion(str(field), known)
        if not hint and not known:
            hint = " (no fields are allowed here)"
        elif not hint and len(known) <= 10:
            hint = f" (expected one of: {', '.join(known)})"
        path = format_path((*error.absolute_path, str(field)))
        problems.append(Problem("unknown-field", path, f'unknown field "{field}"{hint}'))
    return problems


def _missing_not_misspelt(error: ValidationError) -> list[str]:
    """Required fields that are absent, leaving out those an unknown field looks like a typo of."""
    known = error.schema.get("properties", {})
    typos = {_closest(str(k), known) for k in error.instance if k not in known}
    return [f for f in error.validator_value if f not in error.instance and f not in typos]


def _type_message(expected: list[str], instance: object) -> str:
    message = f"expected {' or '.join(expected)}, got {_describe(instance)}"
    if expected == ["string"] and isinstance(instance, bool | int | float):
        message += " (quote it in YAML)"
    return message


def _explain(error: ValidationError) -> list[Problem]:
    """Problems for one jsonschema error, worded for a trainer rather than a schema author."""
    path = format_path(error.absolute_path)
    if error.validator == "additionalProperties" and error.validator_value is False:
        return _unknown_fields(error)
    if error.validator in ("oneOf", "anyOf"):
        if error.instance is None:
            return []  # the bundle's IntOrString/Quantity are oneOf two nullable types: null matches both
        if error.context and all(e.validator == "type" for e in error.context):
            expected = [t for e in error.context for t in _expected_types(e.validator_value)]
            return [Problem("invalid", path, _type_message(list(dict.fromkeys(expected)), error.instance))]
        best = best_match(error.context) if error.context else None
        return _explain(best) if best else [Problem("invalid", path, _short(error.message))]
    if error.validator == "type":
        expected = _expected_types(error.validator_value)
        return [Problem("invalid", path, _type_message(expected, error.instance))]
    if error.validator == "required":
        return [Problem("invalid", format_path((*error.absolute_path, f)), "missing required field")
                for f in _missing_not_misspelt(error)]
    if error.validator == "enum":
        allowed = [v for v in error.validator_value if v is not None]
        hint = _suggestion(str(error.instance), [str(v) for v in allowed])
        listed = ", ".join(json.dumps(v) for v in allowed[:8])
        return [Problem("invalid", path, f"{_describe(error.instance)} is not one of {listed}{hint}")]
    return [Problem("invalid", path, _short(error.message))]


def _short(message: str, limit: int = 160) -> str:
    line = message.splitlines()[0] if message else "invalid value"
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _check(validator: Any, instance: object) -> list[Problem]:
    problems: list[Problem] = []
    for error in validator.iter_errors(instance):
        for problem in _explain(error):
            if problem not in problems:
                problems.append(problem)
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems[:MAX_PROBLEMS]


# ---------------------------------------------------------------------------------------------------
# Custom resource definitions: OpenAPI v3 (as the API server reads it) to strict JSON schema.

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


def _crd_root_schema(openapi: dict[str, Any], bundle: _Bundle) -> dict[str, Any]:
    schema = _strict_crd_schema({"type": "object", **openapi})
    schema["properties"] = {
        **schema.get("properties", {}),
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": bundle.ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
    }
    return schema


def _served_crd_versions(crd: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
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


# ---------------------------------------------------------------------------------------------------
# Where a slide's fragment of YAML belongs, most common places first.

FRAGMENT_LOCATIONS = (
    "io.k8s.api.core.v1.PodSpec",
    "io.k8s.api.core.v1.Container",
    "io.k8s.api.core.v1.PodTemplateSpec",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "io.k8s.api.apps.v1.DeploymentSpec",
    "io.k8s.api.apps.v1.StatefulSetSpec",
    "io.k8s.api.apps.v1.DaemonSetSpec",
    "io.k8s.api.batch.v1.JobSpec",
    "io.k8s.api.batch.v1.CronJobSpec",
    "io.k8s.api.core.v1.ServiceSpec",
    "io.k8s.api.networking.v1.IngressSpec",
    "io.k8s.api.networking.v1.NetworkPolicySpec",
    "io.k8s.api.core.v1.Affinity",
    "io.k8s.api.core.v1.Lifecycle",
    "io.k8s.api.core.v1.Probe",
    "io.k8s.api.core.v1.VolumeMount",
    "io.k8s.api.core.v1.Volume",
    "io.k8s.api.core.v1.ResourceRequirements",
    "io.k8s.api.core.v1.SecurityContext",
    "io.k8s.api.core.v1.PodSecurityContext",
    "io.k8s.api.core.v1.EnvVar",
    "io.k8s.api.core.v1.EnvFromSource",
    "io.k8s.api.core.v1.ContainerPort",
    "io.k8s.api.core.v1.ServicePort",
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
    "io.k8s.api.core.v1.Toleration",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec",
    "io.k8s.api.rbac.v1.PolicyRule",
)


def _short_name(definition: str) -> str:
    return definition.rsplit(".", 1)[-1]


# ---------------------------------------------------------------------------------------------------


class Schemas:
    """Validates manifests against one Kubernetes release, plus the CRDs the course defines."""

    def __init__(self, version: str | None = None) -> None:
        self.version = _normalise_version(version)
        self._bundle = _bundle(self.version)
        self._crds: dict[tuple[str, str, str], Any] = {}

    @property
    def definitions(self) -> dict[str, Any]:
        """The release's schema definitions (read-only), for checks that need more than validation."""
        return self._bundle.defs

    # -- custom resources ---------------------------------------------------------------------------

    def add_crds(self, docs: Iterable[object]) -> list[str]:
        """Register the CRDs among `docs`; returns the "group/version Kind" of each served version."""
        added = []
        for doc in docs:
            if isinstance(doc, dict) and doc.get("apiVersion") == _CRD_API \
                    and doc.get("kind") == "CustomResourceDefinition":
                for group, version, kind, openapi in _served_crd_versions(doc):
                    schema = _crd_root_schema(openapi, self._bundle)
                    self._crds[group, version, kind] = self._bundle.validator_class(
                        schema, registry=self._bundle.registry)
                    added.append(f"{group}/{version} {kind}")
        return added

    # -- whole objects ------------------------------------------------------------------------------

    def validate(self, doc: object) -> list[Problem]:
        """Problems of one manifest document; an empty list means the API server would accept its shape."""
        if not isinstance(doc, dict):
            message = f"expected a Kubernetes object (a mapping), got {_describe(doc)}"
            return [Problem("not-an-object", "", message)]
        missing = [f for f in ("apiVersion", "kind") if not isinstance(doc.get(f), str) or not doc.get(f)]
        if missing:
            return [Problem("not-an-object", "", f"no {' or '.join(missing)}: not a Kubernetes object")]
        if doc["apiVersion"] == "v1" and doc["kind"] == "List":
            return self._validate_list(doc)
        return self._validate_object(doc)[:MAX_PROBLEMS]

    def _validate_list(self, doc: dict[str, Any]) -> list[Problem]:
        """`kind: List` is kubectl's, not the API server's: check each item as its own object."""
        items = doc.get("items")
        if not isinstance(items, list):
            return [Problem("invalid", "items", _type_message(["a list"], items))]
        problems = []
        for index, item in enumerate(items):
            for problem in self.validate(item):
                path = format_path(("items", index)) + (f".{problem.path}" if problem.path else "")
                problems.append(Problem(problem.kind, path, problem.message))
        return problems[:MAX_PROBLEMS]

    def _validate_object(self, doc: dict[str, Any]) -> list[Problem]:
        api_version, kind = doc["apiVersion"], doc["kind"]
        group, _, version = api_version.rpartition("/")
        crd = self._crds.get((group, version, kind))
        if crd is not None:
            return self._check_custom(crd, doc, api_version, kind)
        removal = _REMOVED.get((api_version, kind))
        if removal is not None and self._at_least(removal.removed_in):
            return [self._removal_problem(removal, kind)]
        definition = self._bundle.kinds.get((group, version), {}).get(kind)
        if definition is None:
            return [self._unresolved(group, version, kind)]
        problems = _check(self._bundle.object_validator(definition), doc)
        return [self._removal_problem(removal, kind), *problems] if removal else problems

    def _check_custom(self, validator: Any, doc: dict[str, Any], api_version: str,
                      kind: str) -> list[Problem]:
        try:
            return _check(validator, doc)
        except jsonschema.exceptions.UnknownType as error:
            message = f"the CRD schema for {api_version} {kind} cannot be used: unknown type {error.type!r}"
            return [Problem("invalid", "", message)]
        except jsonschema.exceptions.SchemaError as error:
            message = f"the CRD schema for {api_version} {kind} cannot be used: {_short(error.message, 100)}"
            return [Problem("invalid", "", message)]

    def _at_least(self, release: str) -> bool:
        return _version_key(self.version) >= _version_key(release)

    def _replacement(self, candidates: Iterable[str], kind: str) -> str | None:
        """The first candidate apiVersion that this release serves for `kind`, else the first one."""
        candidates = list(candidates)
        for api_version in candidates:
            group, _, version = api_version.rpartition("/")
            if kind in self._bundle.kinds.get((group, version), {}):
                return api_version
        return candidates[0] if candidates else None

    def _removal_problem(self, removal: Removal, kind: str) -> Problem:
        use = self._replacement(removal.use, kind)
        advice = f"use {use}" if use else removal.note
        what = f"{removal.api_version} {kind}"
        if self._at_least(removal.removed_in):
            return Problem("removed-api", "apiVersion",
                           f"{what} was removed in Kubernetes {removal.removed_in}: {advice}")
        return Problem("deprecated-api", "apiVersion",
                       f"{what} is deprecated and no longer served from Kubernetes {removal.removed_in}"
                       f" (target {self.version}): {advice}")

    def _unresolved(self, group: str, version: str, kind: str) -> Problem:
        """Why there is no schema: a custom resource, an API version gone or not there yet, or a typo."""
        api_version = f"{group}/{version}" if group else version
        if not _is_builtin_group(group, self._bundle):
            return self._unknown_custom(group, api_version, kind)
        served = self._bundle.kinds.get((group, version))
        if served is None:
            return self._unserved_version(group, version, kind)
        elsewhere = self._served_as(kind)
        hint = f": use {elsewhere}" if elsewhere else _suggestion(kind, served)
        return Problem("unknown-kind", "kind", f'no kind "{kind}" in {api_version}{hint}')

    def _unknown_custom(self, group: str, api_version: str, kind: str) -> Problem:
        known = {k for (g, _, k) in self._crds if g == group}
        close = _closest(kind, known)
        if close and close != kind:
            return Problem("unknown-kind", "kind", f'no kind "{kind}" among the CRDs of {group} '
                                                   f'(did you mean "{close}"?)')
        if kind in known:
            versions = sorted(v for (g, v, k) in self._crds if g == group and k == kind)
            return Problem("unknown-kind", "apiVersion",
                           f"the CRD of {group} {kind} serves {', '.join(versions)}, not {api_version}")
        return Problem("unchecked", "", f"custom resource {api_version} {kind}: no CRD in this repository, "
                                        "not checked")

    def _unserved_version(self, group: str, version: str, kind: str) -> Problem:
        """A built-in group without this version: use older and newer bundles to say what happened."""
        api_version = f"{group}/{version}" if group else version
        target = _version_key(self.version)
        releases = _releases_serving(group, version, kind)
        older = [r for r in releases if _version_key(r) < target]
        alternatives = _newest_first(v for (g, v), kinds in self._bundle.kinds.items()
                                     if g == group and kind in kinds)
        use = f"{group}/{alternatives[0]}" if group and alternatives else (alternatives or [None])[0]
        advice = f": use {use}" if use else ""
        if older:
            removed_in = available_versions()[available_versions().index(older[-1]) + 1]
            return Problem("removed-api", "apiVersion",
                           f"{api_version} {kind} was removed in Kubernetes {removed_in}{advice}")
        if releases:
            return Problem("unknown-kind", "apiVersion",
                           f"{api_version} {kind} is not served before Kubernetes {releases[0]} "
                           f"(target {self.version}){advice}")
        if use:
            return Problem("unknown-kind", "apiVersion", f"no API version {api_version} for {kind}{advice}")
        return self._unknown_api_version(group, api_version, kind)

    def _unknown_api_version(self, group: str, api_version: str, kind: str) -> Problem:
        """No bundle ever served this kind here: a gone API version, a kind in the wrong group, or a typo."""
        elsewhere = self._served_as(kind)
        if api_version in _REMOVED_API_VERSIONS and self._at_least(_REMOVED_API_VERSIONS[api_version]):
            advice = f": {kind} is served as {elsewhere}" if elsewhere else ""
            return Problem("removed-api", "apiVersion", f"{api_version} was removed in Kubernetes "
                                                        f"{_REMOVED_API_VERSIONS[api_version]}{advice}")
        if elsewhere:
            return Problem("unknown-kind", "apiVersion", f"no {kind} in {api_version}: use {elsewhere}")
        versions = _newest_first({v for g, v in self._bundle.kinds if g == group})
        if not versions:
            return Problem("unknown-kind", "apiVersion", f"no API group {group} in Kubernetes {self.version}")
        name = group or "the core group"
        return Problem("unknown-kind", "apiVersion", f"no API version {api_version} in Kubernetes "
                                                     f"{self.version} ({name} serves {', '.join(versions)})")

    def _served_as(self, kind: str) -> str | None:
        """The apiVersion this release serves `kind` in, stable versions and the core group first."""
        found = [(g, v) for (g, v), kinds in self._bundle.kinds.items() if kind in kinds]
        if not found:
            return None
        group, version = max(found, key=lambda gv: (_api_version_rank(gv[1]), gv[0] == ""))
        return f"{group}/{version}" if group else version

    # -- fragments ----------------------------------------------------------------------------------

    def validate_fragment(self, data: dict, hint: str | None = None) -> tuple[str | None, list[Problem]]:
        """Validate YAML shown on a slide against the object field it fits (or `hint`, e.g. "PodSpec")."""
        if not isinstance(data, dict):
            return None, [Problem("not-an-object", "", f"expected a mapping, got {_describe(data)}")]
        if hint is not None:
            definition = self._definition_for_hint(hint)
            return _short_name(definition), self._check_fragment(definition, data)
        located = self._locate_fragment(data)
        if located is None:
            keys = ", ".join(str(k) for k in data) or "none"
            return None, [Problem("unchecked", "",
                                  f"no Kubernetes object field fits this fragment (top-level keys: {keys})")]
        definition, problems = located
        return _short_name(definition), problems

    def _definition_for_hint(self, hint: str) -> str:
        if hint in self._bundle.defs:
            return hint
        for name in (*FRAGMENT_LOCATIONS, *self._bundle.defs):
            if _short_name(name) == hint and name in self._bundle.defs:
                return name
        raise ValueError(f"no Kubernetes type {hint!r} in the schemas of Kubernetes {self.version}")

    def _check_fragment(self, definition: str, data: dict) -> list[Problem]:
        return _check(self._bundle.fragment_validator(definition), data)

    def _locate_fragment(self, data: dict) -> tuple[str, list[Problem]] | None:
        """All keys known somewhere: the fewest problems wins, earlier places break ties; else most keys."""
        keys = set(map(str, data))
        scored = []
        for definition in FRAGMENT_LOCATIONS:
            schema = self._bundle.defs.get(definition)
            if schema is not None:
                scored.append((len(keys & set(schema.get("properties", {}))), definition))
        complete = [d for matched, d in scored if matched == len(keys)]
        if complete:
            checked = [(d, self._check_fragment(d, data)) for d in complete]
            return min(checked, key=lambda item: len(item[1]))
        matched, definition = max(scored, key=lambda item: item[0], default=(0, ""))
        if matched == 0 or matched * 2 < len(keys):
            return None
        return definition, self._check_fragment(definition, data)


def _newest_first(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=_api_version_rank, reverse=True)


def _api_version_rank(version: str) -> tuple[int, int, int]:
    """v2 > v1 > v1beta2 > v1beta1 > v1alpha1: the order to recommend replacements in."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0, 0)
    stability = {"alpha": 0, "beta": 1, None: 2}[match[2]]
    return (stability, int(match[1]), int(match[3] or 0))


# ---------------------------------------------------------------------------------------------------
# YAML files.


class _KubeLoader(yaml.CSafeLoader):
    """libyaml, reading values as kubectl does: dates stay strings, duplicate keys are errors."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f'duplicate key "{key_node.value}" (first at line {seen[key_node.value]})',
                    key_node.start_mark)
            seen[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _plain_string(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_KubeLoader.add_constructor("tag:yaml.org,2002:timestamp", _plain_string)
_KubeLoader.add_constructor("tag:yaml.org,2002:value", _plain_string)  # a bare "=" is a string for kubectl


def load_yaml_documents(text: str) -> list[tuple[int, object]]:
    """Each non-empty document with the 1-based line where its content starts."""
    loader = _KubeLoader(text)
    documents: list[tuple[int, object]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            data = loader.construct_document(node)
            if data is not None:
                documents.append((node.start_mark.line + 1, data))
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error) from None
    except yaml.YAMLError as error:
        raise YamlError(None, _short(str(error))) from None
    finally:
        loader.dispose()
    return documents


def _yaml_error(error: yaml.MarkedYAMLError) -> YamlError:
    mark = error.problem_mark or error.context_mark
    message = error.problem or "invalid YAML"
    if error.context:
        where = f" at line {error.context_mark.line + 1}" if error.context_mark else ""
        message += f" ({error.context}{where})"
    return YamlError(mark.line + 1 if mark else None, message)
