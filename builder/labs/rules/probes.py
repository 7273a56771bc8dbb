"""Probes and lifecycle hooks: exactly one handler each, with a valid port and scheme.

Mirrors pkg/apis/core/validation/validation.go: `validateProbe` and `validateHandler` (one of
`exec`, `httpGet`, `tcpSocket`, `grpc`: "may not specify more than 1 handler type", or "must
specify a handler type"), `validateLivenessProbe` / `validateStartupProbe` (`successThreshold`
must be 1), `validateReadinessProbe` (no `terminationGracePeriodSeconds`),
`validateLifecycle` / `validateLifecycleHandler` (`exec`, `httpGet`, `tcpSocket`, and `sleep`
from 1.29), `validateHTTPGetAction` (scheme HTTP or HTTPS, port by number or IANA name) and
`validateTCPSocketAction` / `validateGRPCAction` (`ValidatePortNumOrName`).
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules.context import ManifestContext, Path, Report, integer, mapping
from builder.labs.rules.objects import containers, pod_report, pod_spec
from builder.labs.rules.ports import port_num_or_name
from builder.labs.rules.rule import rule

PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
HTTP_SCHEMES = ("HTTP", "HTTPS")


def _lifecycle_handlers(ctx: ManifestContext) -> tuple[str, ...]:
    handlers = ("exec", "httpGet", "tcpSocket")
    return (*handlers, "sleep") if ctx.at_least("1.29") else handlers


def _handler(path: Path, handler: dict[str, Any], kinds: tuple[str, ...], report: Report) -> None:
    present = [k for k in kinds if handler.get(k) is not None]
    if len(present) > 1:
        report.forbidden((*path, present[1]), "may not specify more than 1 handler type")
    elif not present:
        report.required(path, "must specify a handler type")
    http = mapping(handler.get("httpGet"))
    if http:
        port_num_or_name((*path, "httpGet", "port"), http.get("port"), report)
        scheme = http.get("scheme")
        if isinstance(scheme, str) and scheme and scheme not in HTTP_SCHEMES:
            report.not_supported((*path, "httpGet", "scheme"), scheme, HTTP_SCHEMES)
    tcp = mapping(handler.get("tcpSocket"))
    if tcp:
        port_num_or_name((*path, "tcpSocket", "port"), tcp.get("port"), report)
    grpc = mapping(handler.get("grpc"))
    if grpc and integer(grpc.get("port")) is not None:
        port_num_or_name((*path, "grpc", "port"), grpc["port"], report)


@rule("k8s-probes")
def probes(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """One handler per probe and lifecycle hook; thresholds and ports the API server accepts."""
    pod = pod_spec(doc)
    if pod is None:
        return
    out = pod_report(report, pod)
    for path, container, _group in containers(pod.spec, pod.path):
        for name in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = container.get(name)
            if not isinstance(probe, dict):
                continue
            at = (*path, name)
            _handler(at, probe, PROBE_HANDLERS, out)
            threshold = integer(probe.get("successThreshold"))
            if name != "readinessProbe" and threshold is not None and threshold != 1:
                out.invalid((*at, "successThreshold"), threshold, "must be 1")
            if name == "readinessProbe" and probe.get("terminationGracePeriodSeconds") is not None:
                out.invalid((*at, "terminationGracePeriodSeconds"), probe["terminationGracePeriodSeconds"],
                            "must not be set for readinessProbes")
            for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                          "failureThreshold"):
                out.nonnegative((*at, field), probe.get(field))
        lifecycle = mapping(container.get("lifecycle"))
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict):
                _handler((*path, "lifecycle", hook), handler, _lifecycle_handlers(ctx), out)
