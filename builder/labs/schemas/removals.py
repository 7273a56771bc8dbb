"""Releases that removed (or will remove) well-known API versions, from the official
deprecation guide: pure data and the lookups the checks make in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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
REMOVED_BY_KIND = {(r.api_version, kind): r for r in REMOVALS for kind in r.kinds}


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _last_removals() -> dict[str, str]:
    """API version -> the release that removed the last of its kinds."""
    last: dict[str, str] = {}
    for removal in REMOVALS:
        known = last.get(removal.api_version)
        if known is None or version_key(removal.removed_in) > version_key(known):
            last[removal.api_version] = removal.removed_in
    return last


LAST_REMOVAL = _last_removals()

REMOVED_GROUPS = frozenset(r.api_version.rpartition("/")[0] for r in REMOVALS)


def newest_first(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=api_version_rank, reverse=True)


def api_version_rank(version: str) -> tuple[int, int, int]:
    """v2 > v1 > v1beta2 > v1beta1 > v1alpha1: the order to recommend replacements in."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0, 0)
    stability = {"alpha": 0, "beta": 1, None: 2}[match[2]]
    return (stability, int(match[1]), int(match[3] or 0))
