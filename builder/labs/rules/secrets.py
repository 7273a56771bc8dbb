"""ConfigMap and Secret data: keys, sizes, base64, and the keys each Secret type requires.

A Secret's `data` values are `[]byte`, which JSON carries as standard base64: a value that does
not decode stops the object at decoding (400, "illegal base64 data at input byte N"), before
validation. Then `ValidateSecret` and `ValidateConfigMap` (pkg/apis/core/validation) check keys
with `IsConfigMapKey`, a key in both `data` and `binaryData`, the 1 MiB total
(`MaxSecretSize`), and for typed Secrets the keys their type requires (`kubernetes.io/tls`:
`tls.crt` and `tls.key`; `kubernetes.io/dockerconfigjson`: `.dockerconfigjson`;
`kubernetes.io/ssh-auth`: `ssh-privatekey`; `kubernetes.io/service-account-token`: the
`kubernetes.io/service-account.name` annotation). `stringData` is merged into `data` first
(its values must be strings: the schema check reports others).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from builder.labs.rules import formats
from builder.labs.rules.context import Key, ManifestContext, Report, mapping, string
from builder.labs.rules.objects import kind_of, metadata
from builder.labs.rules.rule import rule

MAX_SIZE = 1024 * 1024
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
}


def base64_problem(value: str) -> str | None:
    """Go's `base64.StdEncoding` as encoding/json uses it: newlines ignored, padding required."""
    bad = next((i for i, c in enumerate(value)
                if c not in "\r\n" and not (c.isascii() and (c.isalnum() or c in "+/="))), None)
    if bad is not None:
        return f"illegal base64 data at input byte {bad}"
    text = value.replace("\r", "").replace("\n", "")
    try:
        if len(text) % 4 or not _BASE64.fullmatch(text):
            raise binascii.Error
        base64.b64decode(text, validate=True)
    except binascii.Error:
        return "illegal base64 data (a length that is not a multiple of 4, or misplaced '=' padding)"
    return None


def _keys(data: dict[str, Any], field: str, report: Report) -> int:
    """Key problems, named as the server names them (`stringData` is merged into `data` first)."""
    size = 0
    named = "binaryData" if field == "binaryData" else "data"
    for key, value in data.items():
        report.each((named, Key(str(key))), key, formats.is_config_map_key(str(key)),
                    at=(field, Key(str(key))))
        size += len(str(key)) + (len(value.encode()) if isinstance(value, str) else 0)
    return size


@rule("k8s-configmap-secret")
def configmap_and_secret(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """Data keys, base64 Secret data, total size, and the keys a Secret type requires."""
    kind = kind_of(doc)
    if kind not in ("ConfigMap", "Secret"):
        return
    data, binary = mapping(doc.get("data")), mapping(doc.get("binaryData"))
    string_data = mapping(doc.get("stringData")) if kind == "Secret" else {}
    size = _keys(data, "data", report) + _keys(string_data, "stringData", report)
    if kind == "ConfigMap":
        size += _keys(binary, "binaryData", report)
        for key in data:
            if key in binary:
                report.invalid(("data", Key(str(key))), key, "duplicate of key present in binaryData")
    else:
        for key, value in data.items():
            if isinstance(value, str):
                problem = base64_problem(value)
                if problem is not None:
                    report.invalid(("data", Key(str(key))), _clip(value),
                                   f"{problem} (Secret `data` is base64; use `stringData` for plain text; "
                                   "the API server cannot decode this Secret)")
    if size > MAX_SIZE:
        report.too_long(("data",), MAX_SIZE)
    if kind == "Secret":
        _typed(doc, {*data, *string_data}, report)


def _typed(doc: dict[str, Any], keys: set[Any], report: Report) -> None:
    kind = string(doc.get("type"))
    for key in _REQUIRED_KEYS.get(kind or "", ()):
        if key not in keys:
            report.required(("data", Key(key)), at=("type",))
    if kind == "kubernetes.io/service-account-token":
        annotations = mapping(metadata(doc).get("annotations"))
        if not annotations.get("kubernetes.io/service-account.name"):
            report.required(("metadata", "annotations", Key("kubernetes.io/service-account.name")),
                            at=("type",))


def _clip(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."
