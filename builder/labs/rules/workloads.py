"""Controller specs beyond their pod template: counts, rollout strategies, job completions.

Mirrors pkg/apis/apps/validation/validation.go: `ValidateDeploymentSpec` (non-negative
`replicas`, `revisionHistoryLimit`, `minReadySeconds`; `progressDeadlineSeconds` above
`minReadySeconds`), `ValidateDeploymentStrategy` (no `rollingUpdate` with `Recreate`),
`ValidateRollingUpdateDeployment` (`maxSurge`/`maxUnavailable` integers or percentages, not both
zero, `maxUnavailable` at most 100%), `ValidateStatefulSetSpec` (`rollingUpdate` only for the
RollingUpdate strategy; `serviceName` a DNS-1123 label from 1.33, kubernetes#130233), and
pkg/apis/batch/validation's `validateJobSpec` (non-negative counts; Indexed jobs need
`completions`).
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Report, integer, mapping, string
from builder.labs.rules.intorpercent import percent_or_int
from builder.labs.rules.objects import kind_of
from builder.labs.rules.rule import rule


@rule("k8s-workloads")
def workloads(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Replica counts, rollout strategies and job completions the API server accepts."""
    kind = kind_of(doc)
    spec = mapping(doc.get("spec"))
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
        for field in ("replicas", "minReadySeconds", "revisionHistoryLimit"):
            report.nonnegative(("spec", field), spec.get(field))
    if kind == "Deployment":
        _deployment(spec, report)
    elif kind == "StatefulSet":
        strategy = mapping(spec.get("updateStrategy"))
        if strategy.get("type") == "OnDelete" and strategy.get("rollingUpdate") is not None:
            report.invalid(("spec", "updateStrategy", "rollingUpdate"), "",
                           "only allowed for updateStrategy 'RollingUpdate'")
        service_name = string(spec.get("serviceName"))
        if service_name and ctx.at_least("1.33"):
            report.each(("spec", "serviceName"), service_name, formats.is_dns1123_label(service_name))
    elif kind == "Job":
        _job(spec, ("spec",), report)
    elif kind == "CronJob":
        _job(mapping(mapping(spec.get("jobTemplate")).get("spec")), ("spec", "jobTemplate", "spec"), report)


def _deployment(spec: dict[str, Any], report: Report) -> None:
    progress, ready = integer(spec.get("progressDeadlineSeconds")), integer(spec.get("minReadySeconds")) or 0
    if progress is not None and progress <= ready:
        report.invalid(("spec", "progressDeadlineSeconds"), progress, "must be greater than minReadySeconds")
    strategy = mapping(spec.get("strategy"))
    rolling = strategy.get("rollingUpdate")
    path = ("spec", "strategy", "rollingUpdate")
    if strategy.get("type") == "Recreate" and rolling is not None:
        report.forbidden(path, "may not be specified when strategy `type` is 'Recreate'")
    elif isinstance(rolling, dict):
        surge = percent_or_int((*path, "maxSurge"), rolling.get("maxSurge", "25%"), report)
        unavailable = percent_or_int((*path, "maxUnavailable"), rolling.get("maxUnavailable", "25%"), report,
                                     at_most_100=True)
        if surge == 0 and unavailable == 0:
            report.invalid((*path, "maxUnavailable"), rolling.get("maxUnavailable", 0),
                           "may not be 0 when `maxSurge` is 0")


def _job(spec: dict[str, Any], path: tuple[str, ...], report: Report) -> None:
    for field in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                  "ttlSecondsAfterFinished"):
        report.nonnegative((*path, field), spec.get(field))
    if spec.get("completionMode") == "Indexed" and spec.get("completions") is None:
        report.required((*path, "completions"), "when completion mode is Indexed",
                        at=(*path, "completionMode"))
