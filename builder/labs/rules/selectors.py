"""Label selectors: well formed, and matching the pod template they are meant to select.

Mirrors `ValidateLabelSelector` / `ValidateLabelSelectorRequirement`
(k8s.io/apimachinery/pkg/apis/meta/v1/validation), `metav1.LabelSelectorAsSelector` for
matching, and the controllers' checks: `ValidateDeploymentSpec`, `ValidateReplicaSetSpec`,
`ValidateDaemonSetSpec`, `ValidateStatefulSetSpec` (pkg/apis/apps/validation: a non-empty
selector that matches the template labels), `ValidateReplicationControllerSpec`, `ValidateJobSpec`
and `validateGeneratedSelector` (pkg/apis/batch/validation: a Job's selector is generated unless
`manualSelector: true`), `ValidateJobTemplateSpec` (a CronJob's job template has none), and the
selectors of PodDisruptionBudgets, NetworkPolicies and pod affinity terms.
"""

from __future__ import annotations

import json
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Path, Report, items, mapping, string
from builder.labs.rules.labels import check_labels
from builder.labs.rules.objects import get, kind_of, pod_report, pod_spec
from builder.labs.rules.rule import rule

_SET_OPERATORS = ("In", "NotIn")
_EXISTS_OPERATORS = ("Exists", "DoesNotExist")
_APPS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")


def validate_selector(selector: object, path: Path, report: Report) -> bool:
    """Report the problems of a LabelSelector; True when it is well formed."""
    before = len(report.found)
    sel = mapping(selector)
    check_labels(sel.get("matchLabels"), (*path, "matchLabels"), report)
    for index, requirement in enumerate(items(sel.get("matchExpressions"))):
        req = mapping(requirement)
        at = (*path, "matchExpressions", index)
        operator, values = req.get("operator"), items(req.get("values"))
        if operator in _SET_OPERATORS and not values:
            report.required((*at, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
        elif operator in _EXISTS_OPERATORS and values:
            report.forbidden((*at, "values"), "may not be specified when `operator` is 'Exists' or "
                                              "'DoesNotExist'")
        elif isinstance(operator, str) and operator not in _SET_OPERATORS + _EXISTS_OPERATORS:
            report.invalid((*at, "operator"), operator, "not a valid selector operator")
        key = string(req.get("key"))
        if key is not None:
            report.each((*at, "key"), key, formats.is_qualified_name(key))
        for number, value in enumerate(values):
            if isinstance(value, str):
                report.each((*at, "values", number), value, formats.is_valid_label_value(value))
    return len(report.found) == before


def matches(selector: object, labels: object) -> bool:
    """Whether a (well formed) LabelSelector selects these labels."""
    sel, have = mapping(selector), {str(k): v for k, v in mapping(labels).items()}
    for key, value in mapping(sel.get("matchLabels")).items():
        if have.get(str(key)) != value:
            return False
    for requirement in items(sel.get("matchExpressions")):
        req = mapping(requirement)
        key, operator, values = str(req.get("key")), req.get("operator"), items(req.get("values"))
        if operator == "In" and (key not in have or have[key] not in values):
            return False
        if operator == "NotIn" and key in have and have[key] in values:
            return False
        if operator == "Exists" and key not in have:
            return False
        if operator == "DoesNotExist" and key in have:
            return False
    return True


def _is_empty(selector: object) -> bool:
    sel = mapping(selector)
    return not mapping(sel.get("matchLabels")) and not items(sel.get("matchExpressions"))


def _shown(selector: object) -> str:
    return json.dumps(selector, separators=(",", ":"), default=str)


def _must_match(doc: dict[str, Any], selector: object, template: Path, report: Report) -> None:
    labels = get(doc, (*template, "metadata", "labels"))
    if not matches(selector, labels):
        report.invalid((*template, "metadata", "labels"), mapping(labels),
                       "`selector` does not match template `labels`",
                       at=(*template, "metadata", "labels") if labels else (*template,))


@rule("k8s-selectors")
def selectors(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Selectors are well formed and select their own pod template."""
    kind = kind_of(doc)
    if kind in _APPS:
        selector = get(doc, ("spec", "selector"))
        if isinstance(selector, dict) and validate_selector(selector, ("spec", "selector"), report):
            if _is_empty(selector):
                report.invalid(("spec", "selector"), _shown(selector),
                               f"empty selector is invalid for {kind.lower()}")
            else:
                _must_match(doc, selector, ("spec", "template"), report)
    elif kind == "ReplicationController":
        selector = mapping(get(doc, ("spec", "selector")))
        check_labels(selector, ("spec", "selector"), report)
        if selector:
            _must_match(doc, {"matchLabels": selector}, ("spec", "template"), report)
    elif kind == "Job":
        _job_selector(doc, report)
    elif kind == "CronJob":
        spec = ("spec", "jobTemplate", "spec")
        if get(doc, (*spec, "selector")) is not None:
            report.invalid((*spec, "selector"), _shown(get(doc, (*spec, "selector"))),
                           "`selector` will be auto-generated")
        if get(doc, (*spec, "manualSelector")) is True:
            report.not_supported((*spec, "manualSelector"), True, ["nil", "false"])
    elif kind == "PodDisruptionBudget" and isinstance(get(doc, ("spec", "selector")), dict):
        validate_selector(get(doc, ("spec", "selector")), ("spec", "selector"), report)
    elif kind == "NetworkPolicy":
        _network_policy_selectors(doc, report)
    _affinity_selectors(doc, report)


def _job_selector(doc: dict[str, Any], report: Report) -> None:
    selector = get(doc, ("spec", "selector"))
    if selector is None:
        return  # generated by the API server
    if not validate_selector(selector, ("spec", "selector"), report):
        return
    if get(doc, ("spec", "manualSelector")) is True:
        _must_match(doc, selector, ("spec", "template"), report)
    elif not _is_empty(selector):
        report.invalid(("spec", "selector"), _shown(selector),
                       "`selector` not auto-generated (set `manualSelector: true` to choose it)")


def _network_policy_selectors(doc: dict[str, Any], report: Report) -> None:
    if isinstance(get(doc, ("spec", "podSelector")), dict):
        validate_selector(get(doc, ("spec", "podSelector")), ("spec", "podSelector"), report)
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for index, entry in enumerate(items(get(doc, ("spec", direction)))):
            for number, peer in enumerate(items(mapping(entry).get(peers))):
                for name in ("podSelector", "namespaceSelector"):
                    selector = mapping(peer).get(name)
                    if isinstance(selector, dict):
                        validate_selector(selector, ("spec", direction, index, peers, number, name),
                                          report)


def _affinity_selectors(doc: dict[str, Any], report: Report) -> None:
    pod = pod_spec(doc)
    if pod is None:
        return
    target = pod_report(report, pod)
    affinity = mapping(pod.spec.get("affinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        rules = mapping(affinity.get(kind))
        base = (*pod.path, "affinity", kind)
        for index, term in enumerate(items(rules.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            path = (*base, "requiredDuringSchedulingIgnoredDuringExecution", index, "labelSelector")
            if isinstance(mapping(term).get("labelSelector"), dict):
                validate_selector(mapping(term)["labelSelector"], path, target)
        for index, weighted in enumerate(items(rules.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            term = mapping(mapping(weighted).get("podAffinityTerm"))
            path = (*base, "preferredDuringSchedulingIgnoredDuringExecution", index, "podAffinityTerm",
                    "labelSelector")
            if isinstance(term.get("labelSelector"), dict):
                validate_selector(term["labelSelector"], path, target)
