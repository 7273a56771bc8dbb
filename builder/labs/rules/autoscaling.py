"""HorizontalPodAutoscalers and PodDisruptionBudgets.

Mirrors pkg/apis/autoscaling/validation/validation.go: `validateHorizontalPodAutoscalerSpec`
(`minReplicas` at least 1, `maxReplicas` at least 1 and at least `minReplicas`; the target's
name a path segment: `ValidateCrossVersionObjectReference`), `validateMetrics` (each metric
fills the source its `type` names, and only that one), `validateResourceSource` (a target
utilization or a raw value, not both) and `validateMetricTarget` (positive utilization); and
pkg/apis/policy/validation/validation.go: `ValidatePodDisruptionBudgetSpec` (`minAvailable` or
`maxUnavailable`, not both; each a non-negative integer or a percentage up to 100%).
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Path, Report, integer, items, mapping, string
from builder.labs.rules.intorpercent import percent_or_int
from builder.labs.rules.objects import kind_of
from builder.labs.rules.rule import rule

_SOURCES = {"Object": "object", "Pods": "pods", "Resource": "resource",
            "ContainerResource": "containerResource", "External": "external"}


def _replicas(spec: dict[str, Any], report: Report) -> None:
    low, high = integer(spec.get("minReplicas")), integer(spec.get("maxReplicas"))
    if low is not None and low < 1:
        report.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high is not None and high < 1:
        report.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    elif high is not None and low is not None and high < low:
        report.invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
    name = string(mapping(spec.get("scaleTargetRef")).get("name"))
    if name:
        report.each(("spec", "scaleTargetRef", "name"), name, formats.is_valid_path_segment_name(name))


def _metric(path: Path, metric: dict[str, Any], report: Report) -> None:
    kind = metric.get("type")
    if not isinstance(kind, str) or kind not in _SOURCES:
        return  # missing: the schema's; unknown: the enums rule's
    field = _SOURCES[kind]
    others = [f for f in _SOURCES.values() if f != field and metric.get(f) is not None]
    if others:
        report.forbidden((*path, others[0]), "must populate the given metric source only")
    source = metric.get(field)
    if source is None:
        report.required((*path, field), "must populate information for the given metric source", at=path)
        return
    target = mapping(mapping(source).get("target"))
    utilization = target.get("averageUtilization")
    if field in ("resource", "containerResource") and target:
        if utilization is None and target.get("averageValue") is None:
            report.required((*path, field, "target", "averageUtilization"),
                            "must set either a target raw value or a target utilization",
                            at=(*path, field, "target"))
        elif utilization is not None and target.get("averageValue") is not None:
            report.forbidden((*path, field, "target", "averageValue"),
                             "may not set both a target raw value and a target utilization")
    if integer(utilization) is not None and utilization < 1:
        report.invalid((*path, field, "target", "averageUtilization"), utilization, "must be greater than 0")


@rule("k8s-autoscaling")
def autoscaling(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Replica bounds and metric sources of HorizontalPodAutoscalers; PDB budgets."""
    kind = kind_of(doc)
    spec = mapping(doc.get("spec"))
    if kind == "HorizontalPodAutoscaler":
        _replicas(spec, report)
        if doc.get("apiVersion") == "autoscaling/v1":
            target = integer(spec.get("targetCPUUtilizationPercentage"))
            if target is not None and target < 1:
                report.invalid(("spec", "targetCPUUtilizationPercentage"), target,
                               "must be greater than or equal to 1")
        else:
            for index, metric in enumerate(items(spec.get("metrics"))):
                if isinstance(metric, dict):
                    _metric(("spec", "metrics", index), metric, report)
    elif kind == "PodDisruptionBudget":
        if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
            report.invalid(("spec",), "", "minAvailable and maxUnavailable cannot be both set",
                           at=("spec", "maxUnavailable"))
        for field in ("minAvailable", "maxUnavailable"):
            percent_or_int(("spec", field), spec.get(field), report, at_most_100=True)
