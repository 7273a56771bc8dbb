"""Enumerated fields, with the allowed values read from the bundled schema's own descriptions.

The strict schemas carry no `enum` keyword; their descriptions say "One of Always, Never,
IfNotPresent", "Valid values are ...", and so on (and, in the upstream OpenAPI, "Possible enum
values"). The values are read from the target release's bundle, so they follow `--k8s-version`
(the Toleration operators `Lt` and `Gt` appear with 1.35, for instance). Only fields the API
server checks against a fixed set are listed, each with the validation function that does it
(in pkg/apis/core/validation, or pkg/apis/{apps,batch,networking,autoscaling,policy}/validation
for their kinds): when a description cannot be read, the field is not checked, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from builder.labs.rules.context import ManifestContext, Report
from builder.labs.rules.objects import STATEFULSET_NOTE, kind_of
from builder.labs.rules.rule import rule
from builder.labs.rules.schemawalk import leaves, plan_for

_CORE = "io.k8s.api.core.v1."

# (definition, property) -> (cue in the description, how the values follow it, validation mirrored)
#   list:    a sentence listing the values ("One of A, B, C." / "Must be "A" or "B".")
#   bullets: a paragraph of "- A: ..." or "* A: ..." items
#   defs:    "A - what A does. B - what B does."
#   ticks:   every `word` in backticks in the whole description
ENUM_FIELDS: dict[tuple[str, str], tuple[str, str, str]] = {
    (_CORE + "Container", "imagePullPolicy"): ("One of", "list", "validatePullPolicy"),
    (_CORE + "EphemeralContainer", "imagePullPolicy"): ("One of", "list", "validatePullPolicy"),
    (_CORE + "PodSpec", "restartPolicy"): ("One of", "list", "validateRestartPolicy"),
    (_CORE + "PodSpec", "dnsPolicy"): ("Valid values are", "list", "validateDNSPolicy"),
    (_CORE + "PodSpec", "preemptionPolicy"): ("One of", "list", "validatePreemptionPolicy"),
    (_CORE + "ContainerPort", "protocol"): ("Must be", "list", "validateContainerPorts"),
    (_CORE + "ServicePort", "protocol"): ("Supports", "list", "validateServicePort"),
    (_CORE + "ServiceSpec", "type"): ("Valid options are", "list", "ValidateService"),
    (_CORE + "ServiceSpec", "sessionAffinity"): ("Must be", "list", "ValidateService"),
    (_CORE + "ServiceSpec", "ipFamilyPolicy"): ("Services can be", "list", "validateIPFamilyPolicy"),
    (_CORE + "ServiceSpec", "ipFamilies"): ("Valid values are", "list", "ValidateService"),
    (_CORE + "Toleration", "operator"): ("Valid operators are", "list", "ValidateTolerations"),
    (_CORE + "Toleration", "effect"): ("allowed values are", "list", "validateTaintEffect"),
    (_CORE + "NodeSelectorRequirement", "operator"): ("Valid operators are", "paragraph",
                                                      "ValidateNodeSelectorRequirement"),
    (_CORE + "PodSecurityContext", "fsGroupChangePolicy"): ("Valid values are", "list",
                                                            "validateFSGroupChangePolicy"),
    (_CORE + "SeccompProfile", "type"): ("Valid options are", "defs", "validateSeccompProfileField"),
    (_CORE + "TopologySpreadConstraint", "whenUnsatisfiable"): (
        "satisfy the spread constraint.", "bullets", "validateTopologySpreadConstraints"),
    (_CORE + "TopologySpreadConstraint", "nodeAffinityPolicy"): ("Options are", "bullets",
                                                                 "validateNodeInclusionPolicy"),
    (_CORE + "TopologySpreadConstraint", "nodeTaintsPolicy"): ("Options are", "bullets",
                                                               "validateNodeInclusionPolicy"),
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ("Can be", "list",
                                                        "ValidateDeploymentStrategy"),
    ("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type"): ("Can be", "list",
                                                             "ValidateDaemonSetUpdateStrategy"),
    ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy"): ("", "ticks",
                                                                    "ValidateStatefulSetSpec"),
    ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy"): ("Valid values are", "bullets",
                                                               "validateConcurrencyPolicy"),
    ("io.k8s.api.batch.v1.JobSpec", "completionMode"): ("It can be", "list", "validateJobSpec"),
    ("io.k8s.api.batch.v1.JobSpec", "podReplacementPolicy"): ("Possible values are", "bullets",
                                                              "validatePodReplacementPolicy"),
    ("io.k8s.api.networking.v1.HTTPIngressPath", "pathType"): ("one of the following values", "bullets",
                                                               "validateHTTPIngressPath"),
    ("io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes"): ("Valid options are", "list",
                                                                    "ValidateNetworkPolicySpec"),
    ("io.k8s.api.networking.v1.NetworkPolicyPort", "protocol"): ("protocol (", "paren",
                                                                 "ValidateNetworkPolicyPort"),
    ("io.k8s.api.autoscaling.v2.MetricSpec", "type"): ("It should be one of", "list",
                                                       "validateMetrics"),
    ("io.k8s.api.autoscaling.v2.MetricTarget", "type"): ("whether the metric type is", "list",
                                                         "validateMetricTarget"),
    ("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy"): (
        "Valid policies are", "list", "ValidatePodDisruptionBudgetSpec"),
}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_QUOTED = re.compile(r"[\"'`]([A-Za-z][A-Za-z0-9]*)[\"'`]")
_BULLET = re.compile(r"(?:^|\s)[-*]\s+[\"`]?([A-Za-z][A-Za-z0-9]*)[\"`]?")
_DEF = re.compile(r"(?:^|\s)([A-Z][A-Za-z0-9]*) - ")
_TICKS = re.compile(r"`([A-Za-z][A-Za-z0-9]*)`")
_POSSIBLE = re.compile(r"Possible enum values:(.*)", re.S)
_FILLER = frozenset({"and", "or", "the"})


def _sentence(text: str) -> str:
    end = re.search(r"\.(?:\s|$)|\n\n", text)
    return text[: end.start()] if end else text


def parse_enum(description: str, cue: str, how: str) -> tuple[str, ...] | None:
    """The values a description lists after `cue`, or None when it does not say clearly."""
    possible = _POSSIBLE.search(description)
    if possible:  # the upstream OpenAPI's own list: " - `\"Always\"` means ..."
        found = re.findall(r'`"([^"`]+)"`', possible.group(1))
        return tuple(dict.fromkeys(found)) or None
    if how == "ticks":
        found = _TICKS.findall(description)
    else:
        start = description.find(cue)
        if start < 0:
            return None
        rest = description[start + len(cue):].lstrip(": \n")
        if how == "bullets":
            found = _BULLET.findall(rest.split("\n\n")[0])
        elif how == "defs":
            found = _DEF.findall(rest.split("\n\n")[0])
        elif how == "paren":
            found = [w for w in _WORD.findall(rest.split(")")[0]) if w not in _FILLER]
        elif how == "paragraph":
            found = [w for w in _WORD.findall(rest.split("\n\n")[0]) if w not in _FILLER]
        else:
            sentence = _sentence(rest)
            quoted = _QUOTED.findall(sentence)
            found = quoted or [w for w in _WORD.findall(sentence) if w not in _FILLER]
    values = tuple(dict.fromkeys(found))
    return values if len(values) >= 2 else None


def enum_source(definition: str, prop: str, schema: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The schema walk's enum table: values for the listed fields, read from their description."""
    entry = ENUM_FIELDS.get((definition, prop))
    description = schema.get("description")
    if entry is None or not isinstance(description, str):
        return None
    cue, how, _mirrors = entry
    return parse_enum(description, cue, how)


@rule("k8s-enums")
def enums(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Fields with a fixed set of values hold one of them (read from the target's schema)."""
    if kind_of(doc) is None or ctx.definitions is None:
        return
    plan = plan_for(ctx.definitions, enum_source)
    for path, value, slot in leaves(doc, plan):
        if slot.enum and isinstance(value, str) and value and value not in slot.enum:
            target = report
            if doc.get("kind") == "StatefulSet" and path[:2] == ("spec", "template"):
                target = report.variant("warning", STATEFULSET_NOTE)
            target.not_supported(path, value, sorted(slot.enum))
