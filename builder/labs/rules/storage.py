"""PersistentVolumeClaims, and a StatefulSet's claim templates.

Mirrors `ValidatePersistentVolumeClaimSpec` (pkg/apis/core/validation/validation.go): at least
one access mode, each one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod; a
`storage` request greater than zero; `volumeMode` Block or Filesystem; a non-empty
`storageClassName` is a DNS-1123 subdomain (`ValidateClassName`). A StatefulSet's
`volumeClaimTemplates` are not validated on create (`ValidateStatefulSetSpec`): the same
findings there are warnings, since the controller then fails to create the claims.
"""

from __future__ import annotations

from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import Key, ManifestContext, Path, Report, items, mapping, string
from builder.labs.rules.objects import get, kind_of
from builder.labs.rules.quantities import QuantityError, quantity_value
from builder.labs.rules.rule import rule

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
_CLAIMS_NOTE = (" (the API server accepts this StatefulSet without checking its claim templates; its "
                "controller then fails to create the claims)")


def claim_spec(spec: dict[str, Any], path: Path, report: Report) -> None:
    modes = items(spec.get("accessModes"))
    if not modes:
        report.required((*path, "accessModes"), "at least 1 access mode is required", at=path)
    for index, mode in enumerate(modes):
        if isinstance(mode, str) and mode not in ACCESS_MODES:
            report.not_supported((*path, "accessModes", index), mode, ACCESS_MODES)
    requests = mapping(mapping(spec.get("resources")).get("requests"))
    storage = requests.get("storage")
    at = (*path, "resources", "requests", Key("storage"))
    if storage is None:
        report.required((*path, "resources", Key("storage")),
                        at=(*path, "resources") if spec.get("resources") else path)
    else:
        try:
            amount = quantity_value(storage)
        except QuantityError:
            amount = None  # the quantities rule reports it
        if amount is not None and amount <= 0:
            report.invalid((*path, "resources", Key("storage")), storage, "must be greater than zero", at=at)
    mode = spec.get("volumeMode")
    if isinstance(mode, str) and mode and mode not in VOLUME_MODES:
        report.not_supported((*path, "volumeMode"), mode, VOLUME_MODES)
    storage_class = string(spec.get("storageClassName"))
    if storage_class:
        report.each((*path, "storageClassName"), storage_class, formats.is_dns1123_subdomain(storage_class))


@rule("k8s-storage")
def claims(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """PersistentVolumeClaim specs: access modes, a storage request, volume mode, class name."""
    kind = kind_of(doc)
    if kind == "PersistentVolumeClaim":
        claim_spec(mapping(doc.get("spec")), ("spec",), report)
    elif kind == "StatefulSet":
        warn = report.variant("warning", _CLAIMS_NOTE)
        for index, template in enumerate(items(get(doc, ("spec", "volumeClaimTemplates")))):
            path = ("spec", "volumeClaimTemplates", index, "spec")
            claim_spec(mapping(mapping(template).get("spec")), path, warn)
