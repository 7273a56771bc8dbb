"""Which built-in object a document is, and where its pod specs are.

A `Deployment` of `apps.example.com` is somebody's custom resource: rules apply to the kinds
of the built-in groups only. Every workload carries a pod template at a known place; the API
server validates them all with `ValidatePodTemplateSpec` (pkg/apis/core/validation), except the
StatefulSet's, which `ValidatePodTemplateSpecForStatefulSet` (pkg/apis/apps/validation) leaves
unchecked: there a broken pod spec is accepted, and the controller then fails to create pods.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from builder.labs.rules.context import Path, Report, mapping

GROUPS: dict[str, str] = {
    "Pod": "", "Service": "", "ConfigMap": "", "Secret": "", "PersistentVolumeClaim": "",
    "Namespace": "", "ServiceAccount": "", "ReplicationController": "", "PodTemplate": "",
    "LimitRange": "", "ResourceQuota": "", "Endpoints": "",
    "Deployment": "apps", "StatefulSet": "apps", "DaemonSet": "apps", "ReplicaSet": "apps",
    "Job": "batch", "CronJob": "batch",
    "Ingress": "networking.k8s.io", "NetworkPolicy": "networking.k8s.io",
    "IngressClass": "networking.k8s.io",
    "Role": "rbac.authorization.k8s.io", "ClusterRole": "rbac.authorization.k8s.io",
    "RoleBinding": "rbac.authorization.k8s.io", "ClusterRoleBinding": "rbac.authorization.k8s.io",
    "HorizontalPodAutoscaler": "autoscaling", "PodDisruptionBudget": "policy",
    "StorageClass": "storage.k8s.io", "PriorityClass": "scheduling.k8s.io",
}

# Where each workload keeps its pod template.
TEMPLATES: dict[str, Path] = {
    "Deployment": ("spec", "template"), "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"), "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"), "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"), "PodTemplate": ("template",),
}

STATEFULSET_NOTE = (" (the API server accepts this StatefulSet without checking its pod template; "
                    "its controller then fails to create the pods)")


def kind_of(doc: dict[str, Any]) -> str | None:
    """The kind, if the document is a built-in object; None for custom resources and oddities."""
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str) or kind not in GROUPS:
        return None
    group = api_version.rpartition("/")[0]
    return kind if group == GROUPS[kind] else None


def group_version(doc: dict[str, Any]) -> str:
    api_version = doc.get("apiVersion")
    return api_version if isinstance(api_version, str) else ""


def get(node: Any, path: Path) -> Any:
    """The value at `path`, or None where the document has no such field."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
        elif not isinstance(node, dict):
            return None
        node = node[part] if isinstance(part, int) else node.get(part)
    return node


@dataclass(frozen=True, slots=True)
class PodSpecAt:
    """A pod spec inside a document, and what validates it."""

    kind: str             # the document's kind: Pod, Deployment, CronJob, ...
    path: Path            # of the pod spec
    spec: dict[str, Any]
    template: Path | None  # of the pod template (None for a bare Pod)

    @property
    def validated(self) -> bool:
        """Whether the API server validates this pod spec when the object is created."""
        return self.kind != "StatefulSet"

    @property
    def bare_pod(self) -> bool:
        return self.kind == "Pod"


def pod_spec(doc: dict[str, Any]) -> PodSpecAt | None:
    kind = kind_of(doc)
    if kind == "Pod":
        return PodSpecAt(kind, ("spec",), mapping(doc.get("spec")), None)
    if kind in TEMPLATES:
        template = TEMPLATES[kind]
        spec = get(doc, (*template, "spec"))
        if isinstance(spec, dict):
            return PodSpecAt(kind, (*template, "spec"), spec, template)
    return None


def containers(spec: dict[str, Any], path: Path) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """(path, container, list name) for init, regular and ephemeral containers."""
    for group in ("initContainers", "containers", "ephemeralContainers"):
        listed = spec.get(group)
        if isinstance(listed, list):
            for index, container in enumerate(listed):
                if isinstance(container, dict):
                    yield (*path, group, index), container, group


def metadata(doc: dict[str, Any]) -> dict[str, Any]:
    return mapping(doc.get("metadata"))


def pod_report(report: Report, pod: PodSpecAt) -> Report:
    """Findings in a pod spec the API server does not validate are warnings, saying why."""
    return report if pod.validated else report.variant("warning", STATEFULSET_NOTE)
