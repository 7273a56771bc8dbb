"""NetworkPolicies: peers and ports.

Mirrors pkg/apis/networking/validation/validation.go: `ValidateNetworkPolicyPeer` (a peer is a
pod and/or namespace selector, or an `ipBlock` alone), `ValidateIPBlock` (a CIDR, and `except`
entries strictly inside it) and `ValidateNetworkPolicyPort` (a port number in range or an IANA
name; `endPort` only after a numeric `port`, and not below it). Selectors: the selectors rule.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Path, Report, integer, items, mapping, string
from builder.labs.rules.objects import kind_of
from builder.labs.rules.rule import rule

_CIDR_HINT = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if "/" not in value:
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _peer(path: Path, peer: dict[str, Any], report: Report) -> None:
    present = [k for k in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(k) is not None]
    if not present:
        report.required(path, "must specify a peer")
    elif len(present) > 1 and "ipBlock" in present:
        report.forbidden(path, "may not specify both ipBlock and another peer")
    block = mapping(peer.get("ipBlock"))
    cidr = string(block.get("cidr"))
    if cidr is None:
        return
    network = _network(cidr)
    if network is None:
        report.invalid((*path, "ipBlock", "cidr"), cidr, _CIDR_HINT)
        return
    for index, excluded in enumerate(items(block.get("except"))):
        inner = _network(excluded) if isinstance(excluded, str) else None
        at = (*path, "ipBlock", "except", index)
        if inner is None:
            report.invalid(at, excluded, _CIDR_HINT)
        elif inner.version != network.version or not inner.subnet_of(network) or inner == network:  # type: ignore[arg-type]
            report.invalid(at, excluded, "must be a strict subset of `cidr`")


def _port(path: Path, entry: dict[str, Any], report: Report) -> None:
    port, end = entry.get("port"), integer(entry.get("endPort"))
    number = integer(port)
    if number is not None:
        report.each((*path, "port"), number, formats.is_valid_port_num(number))
    elif isinstance(port, str):
        report.each((*path, "port"), port, formats.is_valid_port_name(port))
    if end is None:
        return
    if port is None:
        report.invalid((*path, "endPort"), end, "may not be specified when `port` is not specified")
    elif number is None:
        report.invalid((*path, "endPort"), end, "may not be specified when `port` is non-numeric")
    elif end < number:
        report.invalid((*path, "endPort"), end, "must be greater than or equal to `port`")


@rule("k8s-networkpolicy")
def network_policy(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """NetworkPolicy peers, IP blocks and ports."""
    if kind_of(doc) != "NetworkPolicy":
        return
    spec = mapping(doc.get("spec"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for index, entry in enumerate(items(spec.get(direction))):
            rule_ = mapping(entry)
            for number, peer in enumerate(items(rule_.get(peers))):
                if isinstance(peer, dict):
                    _peer(("spec", direction, index, peers, number), peer, report)
            for number, port in enumerate(items(rule_.get("ports"))):
                if isinstance(port, dict):
                    _port(("spec", direction, index, "ports", number), port, report)
