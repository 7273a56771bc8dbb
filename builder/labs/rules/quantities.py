"""Resource quantities: parsed as the API server parses them, and requests within limits.

`parse_quantity` follows `resource.ParseQuantity` (k8s.io/apimachinery/pkg/api/resource/
quantity.go): an optional sign, digits with an optional fraction, then a suffix that is a
binary (Ki … Ei) or decimal (n u m "" k M G T P E) multiplier or an exponent (`e3`). A
quantity that does not parse never reaches validation: the object cannot be decoded, and the
server answers 400 with the parser's message. Fields are found through the schema (every
`Quantity` of the object), then `ValidateResourceRequirements` (pkg/apis/core/validation) adds:
container resource names are standard (`validateContainerResourceName`: cpu, memory,
ephemeral-storage, hugepages-*) or qualified extended names, quantities are not negative
(`ValidateResourceQuantityValue`), and each request is at most its limit.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import Key, ManifestContext, Path, Report, mapping
from builder.labs.rules.enums import enum_source
from builder.labs.rules.objects import containers, kind_of, pod_report, pod_spec
from builder.labs.rules.rule import rule
from builder.labs.rules.schemawalk import leaves, plan_for

FORMAT_WRONG = ("quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
SUFFIX_WRONG = "unable to parse quantity's suffix"
NUMERIC_WRONG = "unable to parse numeric part of quantity"

_SHAPE = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_EXPONENT = re.compile(r"[eE]([+-]?[0-9]+)")
_STANDARD_CONTAINER = frozenset({"cpu", "memory", "ephemeral-storage"})


class QuantityError(ValueError):
    pass


def parse_quantity(text: str) -> Decimal:
    """The exact value of a quantity, or QuantityError with the API server's message."""
    text = text.strip()  # `Quantity.UnmarshalJSON` trims spaces
    if not text:
        raise QuantityError(FORMAT_WRONG)
    match = _SHAPE.fullmatch(text)
    if match is None:
        raise QuantityError(FORMAT_WRONG)
    sign, whole, fraction, suffix = match.groups()
    number = f"{whole or '0'}.{fraction or '0'}"
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise QuantityError(NUMERIC_WRONG) from None
    if suffix in _BINARY:
        value *= Decimal(2) ** _BINARY[suffix]
    elif suffix in _DECIMAL:
        value = value.scaleb(_DECIMAL[suffix])
    elif (exponent := _EXPONENT.fullmatch(suffix)) is not None:
        value = value.scaleb(int(exponent.group(1)))
    else:
        raise QuantityError(SUFFIX_WRONG)
    return -value if sign == "-" else value


def quantity_value(value: object) -> Decimal | None:
    """A YAML value (string or number) as a quantity; None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        return parse_quantity(value)
    return None


@rule("k8s-quantities")
def quantities(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Every quantity of the object parses as the API server parses it, and is not negative."""
    if kind_of(doc) is None or ctx.definitions is None:
        return
    plan = plan_for(ctx.definitions, enum_source)
    statefulset_claims = doc.get("kind") == "StatefulSet"
    for path, value, slot in leaves(doc, plan):
        if not slot.quantity:
            continue
        target = report
        if statefulset_claims and path[:2] in (("spec", "template"), ("spec", "volumeClaimTemplates")):
            pod = pod_spec(doc)
            target = pod_report(report, pod) if pod is not None else report
        try:
            amount = quantity_value(value)
        except QuantityError as exc:
            target.invalid(path, value, f"{exc} (the API server cannot decode this {doc.get('kind')})")
            continue
        if amount is not None and amount < 0:
            target.invalid(path, value, "must be greater than or equal to 0")


@rule("k8s-resources")
def container_resources(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Container resource names are known, and requests do not exceed limits."""
    pod = pod_spec(doc)
    if pod is None:
        return
    out = pod_report(report, pod)
    for path, container, _group in containers(pod.spec, pod.path):
        resources = mapping(container.get("resources"))
        for which in ("limits", "requests"):
            for name in mapping(resources.get(which)):
                _resource_name((*path, "resources", which, Key(str(name))), str(name), out)
        limits, requests = mapping(resources.get("limits")), mapping(resources.get("requests"))
        for name, requested in requests.items():
            if name not in limits:
                continue
            try:
                want, cap = quantity_value(requested), quantity_value(limits[name])
            except QuantityError:
                continue  # reported by the quantities rule
            if want is not None and cap is not None and want > cap:
                out.invalid((*path, "resources", "requests"), requested,
                            f"must be less than or equal to {name} limit of {limits[name]}",
                            at=(*path, "resources", "requests", Key(str(name))))


def _resource_name(path: Path, name: str, report: Report) -> None:
    if "/" not in name:
        if name not in _STANDARD_CONTAINER and not name.startswith("hugepages-"):
            report.invalid(path, name, "must be a standard resource for containers")
    else:
        report.each(path, name, formats.is_qualified_name(name))
