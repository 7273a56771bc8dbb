"""Object names, as each kind's `Validate<Kind>Name` requires them.

Most kinds take a DNS-1123 subdomain (`NameIsDNSSubdomain`); a Service a DNS-1035 label
(`ValidateServiceName`, since its name becomes a DNS label that must start with a letter); a
Namespace a DNS-1123 label; RBAC objects any URL path segment (`ValidateRBACName` =
`path.IsValidPathSegmentName`). A StatefulSet name is a DNS-1123 label from Kubernetes 1.27
(`ValidateStatefulSetName`, kubernetes#114172), a subdomain before. A CronJob name is at most 52
characters (`ValidateCronJobCreate`: the controller appends an 11-character suffix). All in
`ValidateObjectMeta` (k8s.io/apimachinery/pkg/api/validation/objectmeta.go).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Report, string
from builder.labs.rules.objects import kind_of, metadata
from builder.labs.rules.rule import rule

Validator = Callable[[str], list[str]]

_RBAC = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
# Workloads whose pod names derive from their own name: from 1.27 the API server warns when
# the name is not a DNS label (kubernetes#114412).
_LABEL_RECOMMENDED = frozenset({"Pod", "ReplicaSet", "Deployment", "Job", "CronJob",
                                "ReplicationController"})
CRONJOB_NAME_MAX = 52


def name_validator(kind: str, ctx: ManifestContext) -> Validator:
    if kind == "Service":
        return formats.is_dns1035_label
    if kind == "Namespace":
        return formats.is_dns1123_label
    if kind == "StatefulSet" and ctx.at_least("1.27"):
        return formats.is_dns1123_label
    if kind in _RBAC:
        return formats.is_valid_path_segment_name
    return formats.is_dns1123_subdomain


@rule("k8s-object-name")
def object_name(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """metadata.name (or generateName) and namespace as ValidateObjectMeta checks them."""
    kind = kind_of(doc)
    if kind is None:
        return
    meta = metadata(doc)
    name, generate = string(meta.get("name")), string(meta.get("generateName"))
    validate = name_validator(kind, ctx)
    if name:
        report.each(("metadata", "name"), name, validate(name))
    elif generate:
        # A prefix: the trailing dash before the random suffix is allowed (`maskTrailingDash`).
        masked = generate[:-1] + "a" if len(generate) > 1 and generate.endswith("-") else generate
        report.each(("metadata", "generateName"), generate, validate(masked))
    else:
        report.required(("metadata", "name"), "name or generateName is required")
    namespace = string(meta.get("namespace"))
    if namespace:
        report.each(("metadata", "namespace"), namespace, formats.is_dns1123_label(namespace))
    if name and kind == "CronJob" and len(name) > CRONJOB_NAME_MAX:
        report.invalid(("metadata", "name"), name, f"must be no more than {CRONJOB_NAME_MAX} characters")
    if (name and kind in _LABEL_RECOMMENDED and ctx.at_least("1.27")
            and not formats.is_dns1123_subdomain(name)):
        messages = formats.is_dns1123_label(name)
        if messages:
            report.variant("warning").invalid(
                ("metadata", "name"), name,
                f"a DNS label is recommended (the API server warns): {'; '.join(messages)}")
