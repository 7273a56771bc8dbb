"""Services: ports named when there are several, in range, unique; type-dependent fields.

Mirrors `ValidateService` and `validateServicePort` (pkg/apis/core/validation/validation.go):
ports are required unless the Service is headless or an ExternalName; with more than one port
each needs a `name`, a DNS-1123 label used once; `port` is in 1-65535, `targetPort` a number in
range or an IANA port name (`ValidatePortNumOrName`), a port and protocol pair appears once,
`nodePort` is forbidden on ClusterIP and ExternalName Services, an ExternalName Service names
its `externalName`, and `validateServiceExternalTrafficPolicy` keeps `externalTrafficPolicy`
(Cluster or Local) to NodePort, LoadBalancer, or ClusterIP with external IPs.
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Report, integer, items, mapping, string
from builder.labs.rules.objects import kind_of
from builder.labs.rules.ports import port_num_or_name
from builder.labs.rules.rule import rule

TRAFFIC_POLICIES = ("Cluster", "Local")


@rule("k8s-service")
def service(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Service ports and the fields that depend on the Service type."""
    if kind_of(doc) != "Service":
        return
    spec = mapping(doc.get("spec"))
    kind = string(spec.get("type")) or "ClusterIP"
    headless = spec.get("clusterIP") == "None"
    ports = items(spec.get("ports"))
    if not ports and not headless and kind != "ExternalName":
        report.required(("spec", "ports"), at=("spec",) if "spec" in doc else ())
    names: set[str] = set()
    pairs: set[tuple[int, str]] = set()
    for index, entry in enumerate(ports):
        port = mapping(entry)
        at = ("spec", "ports", index)
        name = port.get("name")
        if len(ports) > 1 and not name:
            report.required((*at, "name"), at=at)
        elif isinstance(name, str) and name:
            report.each((*at, "name"), name, formats.is_dns1123_label(name))
            if name in names:
                report.duplicate((*at, "name"), name)
            names.add(name)
        number = integer(port.get("port"))
        if number is not None:
            report.each((*at, "port"), number, formats.is_valid_port_num(number))
            protocol = string(port.get("protocol")) or "TCP"
            if (number, protocol) in pairs:
                report.duplicate(at, {"port": number, "protocol": protocol})
            pairs.add((number, protocol))
        if port.get("targetPort") not in (None, 0):
            port_num_or_name((*at, "targetPort"), port.get("targetPort"), report)
        if port.get("nodePort") not in (None, 0) and kind in ("ClusterIP", "ExternalName"):
            report.forbidden((*at, "nodePort"), f"may not be used when `type` is '{kind}'")
    if kind == "ExternalName" and not spec.get("externalName"):
        report.required(("spec", "externalName"), at=("spec", "type"))
    policy = spec.get("externalTrafficPolicy")
    if isinstance(policy, str) and policy:
        external = kind in ("NodePort", "LoadBalancer") or (
            kind == "ClusterIP" and items(spec.get("externalIPs")))
        if not external:
            report.invalid(("spec", "externalTrafficPolicy"), policy,
                           "may only be set for externally-accessible services")
        elif policy not in TRAFFIC_POLICIES:
            report.not_supported(("spec", "externalTrafficPolicy"), policy, TRAFFIC_POLICIES)
    internal = spec.get("internalTrafficPolicy")
    if isinstance(internal, str) and internal and internal not in TRAFFIC_POLICIES:
        report.not_supported(("spec", "internalTrafficPolicy"), internal, TRAFFIC_POLICIES)
