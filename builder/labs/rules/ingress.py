"""Ingresses (networking.k8s.io/v1): hosts, path types and paths, backends.

Mirrors pkg/apis/networking/validation/validation.go: `ValidateIngressSpec` (a default backend
or rules), `validateIngressRules` (hosts are DNS-1123 subdomains, a leading `*.` allowed, never
IP addresses), `validateHTTPIngressPath` (`pathType` required; Exact and Prefix paths absolute,
without `//`, `/./`, `/../`, `%2f`, nor a trailing `/..` or `/.`), `validateIngressBackend`
(a service or a resource; a service's name is a DNS-1035 label and its port a name or a number,
not both) and `validateIngressTLS` (hosts, wildcards allowed).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import ManifestContext, Path, Report, integer, items, mapping, string
from builder.labs.rules.objects import kind_of
from builder.labs.rules.rule import rule

_BAD_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_BAD_SUFFIXES = ("/..", "/.")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _host(path: Path, host: str, report: Report) -> None:
    if _is_ip(host):
        report.invalid(path, host, "must be a DNS name, not an IP address")
    elif "*" in host:
        report.each(path, host, formats.is_wildcard_dns1123_subdomain(host))
    else:
        report.each(path, host, formats.is_dns1123_subdomain(host))


def _backend(path: Path, backend: dict[str, Any], report: Report) -> None:
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        report.invalid(path, "", "cannot set both resource and service backends")
    elif isinstance(service, dict):
        name = string(service.get("name"))
        if name:
            report.each((*path, "service", "name"), name, formats.is_dns1035_label(name))
        port = mapping(service.get("port"))
        port_name, number = string(port.get("name")), integer(port.get("number"))
        if port_name and number:
            report.invalid((*path, "service", "port"), "", "cannot set both port name & port number")
        elif port_name:
            report.each((*path, "service", "port", "name"), port_name, formats.is_valid_port_name(port_name))
        elif number is not None:
            report.each((*path, "service", "port", "number"), number, formats.is_valid_port_num(number))
        else:
            report.invalid((*path, "service", "port"), "", "port name or number is required")
    elif resource is None:
        report.invalid(path, "", "resource or service backend is required")


def _http_path(path: Path, entry: dict[str, Any], report: Report) -> None:
    kind, value = entry.get("pathType"), string(entry.get("path")) or ""
    if kind is None:
        report.required((*path, "pathType"), "pathType must be specified", at=path)
    elif kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            report.invalid((*path, "path"), value, "must be an absolute path", at=path)
        for sequence in _BAD_SEQUENCES:
            if sequence in value:
                report.invalid((*path, "path"), value, f"must not contain '{sequence}'")
        for suffix in _BAD_SUFFIXES:
            if value.endswith(suffix):
                report.invalid((*path, "path"), value, f"cannot end with '{suffix}'")
    elif kind == "ImplementationSpecific" and value and not value.startswith("/"):
        report.invalid((*path, "path"), value, "must be an absolute path")
    if isinstance(entry.get("backend"), dict):
        _backend((*path, "backend"), entry["backend"], report)


@rule("k8s-ingress")
def ingress(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Ingress hosts, paths and backends as networking.k8s.io/v1 validates them."""
    if kind_of(doc) != "Ingress" or doc.get("apiVersion") != "networking.k8s.io/v1":
        return
    spec = mapping(doc.get("spec"))
    if not spec.get("defaultBackend") and not items(spec.get("rules")):
        report.invalid(("spec",), "", "either `defaultBackend` or `rules` must be specified")
    if isinstance(spec.get("defaultBackend"), dict):
        _backend(("spec", "defaultBackend"), spec["defaultBackend"], report)
    class_name = string(spec.get("ingressClassName"))
    if class_name:
        report.each(("spec", "ingressClassName"), class_name, formats.is_dns1123_subdomain(class_name))
    for index, entry in enumerate(items(spec.get("rules"))):
        rule_ = mapping(entry)
        host = string(rule_.get("host"))
        if host:
            _host(("spec", "rules", index, "host"), host, report)
        for number, http_path in enumerate(items(mapping(rule_.get("http")).get("paths"))):
            if isinstance(http_path, dict):
                _http_path(("spec", "rules", index, "http", "paths", number), http_path, report)
    for index, tls in enumerate(items(spec.get("tls"))):
        for number, host in enumerate(items(mapping(tls).get("hosts"))):
            if isinstance(host, str):
                report.each(("spec", "tls", index, "hosts", number), host,
                            formats.is_wildcard_dns1123_subdomain(host))
