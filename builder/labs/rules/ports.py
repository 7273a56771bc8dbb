"""Container ports: numbers in range, IANA service names, each name once per container.

Mirrors `validateContainerPorts` (pkg/apis/core/validation/validation.go): `containerPort` is
required and in 1-65535 (`IsValidPortNum`), `hostPort` too when set, a port `name` is an
IANA_SVC_NAME (`IsValidPortName`: at most 15 characters, lower-case letters, digits and single
inner hyphens, at least one letter) and unique within its container; and `AccumulateUniqueHostPorts`
(`validateContainers`): a host port and protocol are used once per pod. Also the port of probes
and lifecycle handlers: `ValidatePortNumOrName`.
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Path, Report, integer, items, mapping, string
from builder.labs.rules.objects import containers, pod_report, pod_spec
from builder.labs.rules.rule import rule


def port_num_or_name(path: Path, value: object, report: Report) -> None:
    """`ValidatePortNumOrName`: a number in range, or a valid IANA port name."""
    number = integer(value)
    if number is not None:
        report.each(path, number, formats.is_valid_port_num(number))
    elif isinstance(value, str):  # a quoted "8080" is a string, hence a name: IntOrString keeps the type
        report.each(path, value, formats.is_valid_port_name(value))


@rule("k8s-container-ports")
def container_ports(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Container port numbers, names and host ports."""
    pod = pod_spec(doc)
    if pod is None:
        return
    out = pod_report(report, pod)
    host_ports: set[tuple[int, str]] = set()
    for path, container, group in containers(pod.spec, pod.path):
        names: set[str] = set()
        for index, port in enumerate(items(container.get("ports"))):
            entry = mapping(port)
            at = (*path, "ports", index)
            name = string(entry.get("name"))
            if name:
                out.each((*at, "name"), name, formats.is_valid_port_name(name))
                if name in names:
                    out.duplicate((*at, "name"), name)
                names.add(name)
            number = integer(entry.get("containerPort"))
            if number == 0:
                out.required((*at, "containerPort"))
            elif number is not None:
                out.each((*at, "containerPort"), number, formats.is_valid_port_num(number))
            host = integer(entry.get("hostPort"))
            if host:
                out.each((*at, "hostPort"), host, formats.is_valid_port_num(host))
                protocol = string(entry.get("protocol")) or "TCP"
                if group == "containers" and (host, protocol) in host_ports:
                    out.duplicate((*at, "hostPort"), f"{host}/{protocol}")
                if group == "containers":
                    host_ports.add((host, protocol))
