"""RBAC roles and bindings.

Mirrors pkg/apis/rbac/validation/validation.go: `ValidatePolicyRule` (verbs required; a rule
names API groups and resources, or non-resource URLs, never both, and a namespaced Role none),
`ValidateRoleBinding` / `ValidateClusterRoleBinding` (`roleRef.apiGroup` is
rbac.authorization.k8s.io; a RoleBinding refers to a Role or ClusterRole, a ClusterRoleBinding
to a ClusterRole) and `ValidateRoleBindingSubject` (ServiceAccount, User or Group; a
ServiceAccount has no API group, a DNS-1123 subdomain name, and in a ClusterRoleBinding a
namespace). Names: any path segment (`ValidateRBACName`), see the names rule.
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Path, Report, items, mapping, string
from builder.labs.rules.objects import kind_of
from builder.labs.rules.rule import rule

GROUP = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ("Group", "ServiceAccount", "User")


def _policy_rule(path: Path, entry: dict[str, Any], namespaced: bool, report: Report) -> None:
    if not items(entry.get("verbs")):
        report.required((*path, "verbs"), "verbs must contain at least one value", at=path)
    urls = items(entry.get("nonResourceURLs"))
    if urls:
        if namespaced:
            report.invalid((*path, "nonResourceURLs"), urls,
                           "namespaced rules cannot apply to non-resource URLs")
        if any(items(entry.get(f)) for f in ("apiGroups", "resources", "resourceNames")):
            report.invalid((*path, "nonResourceURLs"), urls,
                           "rules cannot apply to both regular resources and non-resource URLs")
        return
    if not items(entry.get("apiGroups")):
        report.required((*path, "apiGroups"), "resource rules must supply at least one api group", at=path)
    if not items(entry.get("resources")):
        report.required((*path, "resources"), "resource rules must supply at least one resource", at=path)


def _binding(doc: dict[str, Any], kind: str, report: Report) -> None:
    ref = mapping(doc.get("roleRef"))
    group = ref.get("apiGroup")
    if isinstance(group, str) and group != GROUP:
        report.not_supported(("roleRef", "apiGroup"), group, [GROUP])
    allowed = ("ClusterRole", "Role") if kind == "RoleBinding" else ("ClusterRole",)
    ref_kind = ref.get("kind")
    if isinstance(ref_kind, str) and ref_kind not in allowed:
        report.not_supported(("roleRef", "kind"), ref_kind, allowed)
    name = string(ref.get("name"))
    if name == "":
        report.required(("roleRef", "name"))
    elif name:
        report.each(("roleRef", "name"), name, formats.is_valid_path_segment_name(name))
    for index, entry in enumerate(items(doc.get("subjects"))):
        _subject(("subjects", index), mapping(entry), kind == "ClusterRoleBinding", report)


def _subject(path: Path, subject: dict[str, Any], cluster: bool, report: Report) -> None:
    kind, group, name = subject.get("kind"), subject.get("apiGroup"), string(subject.get("name"))
    if name == "":
        report.required((*path, "name"))
    if kind == "ServiceAccount":
        if group not in (None, ""):
            report.not_supported((*path, "apiGroup"), group, [""])
        if name:
            report.each((*path, "name"), name, formats.is_dns1123_subdomain(name))
        if cluster and not subject.get("namespace"):
            report.required((*path, "namespace"), at=path)
    elif kind in ("User", "Group"):
        if group not in (None, "", GROUP):  # the API server defaults an empty one
            report.not_supported((*path, "apiGroup"), group, [GROUP])
    elif isinstance(kind, str):
        report.not_supported((*path, "kind"), kind, SUBJECT_KINDS)


@rule("k8s-rbac")
def rbac(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Role rules, role references and binding subjects."""
    kind = kind_of(doc)
    if kind in ("Role", "ClusterRole"):
        for index, entry in enumerate(items(doc.get("rules"))):
            if isinstance(entry, dict):
                _policy_rule(("rules", index), entry, kind == "Role", report)
    elif kind in ("RoleBinding", "ClusterRoleBinding"):
        _binding(doc, kind, report)
