"""Label keys and values, annotation keys and their total size.

Mirrors `ValidateLabels` / `ValidateLabelName` (k8s.io/apimachinery/pkg/apis/meta/v1/validation)
and `ValidateAnnotations` (k8s.io/apimachinery/pkg/api/validation/objectmeta.go: keys are
qualified names once lower-cased, and all keys and values together hold at most 256 KiB). The
API server applies them to every object's metadata, to pod templates (even a StatefulSet's), to
a pod's `nodeSelector` and to a Service's `selector`.
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import Key, ManifestContext, Path, Report, mapping
from builder.labs.rules.objects import get, kind_of, pod_report, pod_spec
from builder.labs.rules.rule import rule

ANNOTATIONS_MAX_BYTES = 256 * 1024


def check_labels(labels: object, path: Path, report: Report) -> None:
    for key, value in mapping(labels).items():
        at = (*path, Key(str(key)))
        report.each(path, key, formats.is_qualified_name(str(key)), at=at)
        if isinstance(value, str):
            report.each(path, value, formats.is_valid_label_value(value), at=at)


def check_annotations(annotations: object, path: Path, report: Report) -> None:
    total = 0
    for key, value in mapping(annotations).items():
        report.each(path, key, formats.is_qualified_name(str(key).lower()), at=(*path, Key(str(key))))
        total += len(str(key).encode()) + (len(value.encode()) if isinstance(value, str) else 0)
    if total > ANNOTATIONS_MAX_BYTES:
        report.too_long(path, ANNOTATIONS_MAX_BYTES)


@rule("k8s-labels")
def labels_and_annotations(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Labels and annotations of the object, of its pod template, and label maps in its spec."""
    kind = kind_of(doc)
    if kind is None:
        return
    check_labels(get(doc, ("metadata", "labels")), ("metadata", "labels"), report)
    check_annotations(get(doc, ("metadata", "annotations")), ("metadata", "annotations"), report)
    pod = pod_spec(doc)
    if pod is not None and pod.template is not None:
        meta = (*pod.template, "metadata")
        check_labels(get(doc, (*meta, "labels")), (*meta, "labels"), report)
        check_annotations(get(doc, (*meta, "annotations")), (*meta, "annotations"), report)
    if pod is not None:
        check_labels(pod.spec.get("nodeSelector"), (*pod.path, "nodeSelector"), pod_report(report, pod))
    if kind == "Service":
        check_labels(get(doc, ("spec", "selector")), ("spec", "selector"), report)
