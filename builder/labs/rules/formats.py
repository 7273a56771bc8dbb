"""The string formats the API server checks, each returning its messages (empty: valid).

They mirror k8s.io/apimachinery/pkg/util/validation/validation.go (`IsDNS1123Label`,
`IsDNS1123Subdomain`, `IsDNS1035Label`, `IsQualifiedName`, `IsValidLabelValue`,
`IsValidPortName`, `IsValidPortNum`, `IsConfigMapKey`, `IsEnvVarName`, `IsCIdentifier`) and
k8s.io/apimachinery/pkg/api/validation/path (`IsValidPathSegmentName`), with their messages, so
that what a trainer reads is what `kubectl apply` would have printed.
"""

from __future__ import annotations

import re

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
PORT_NAME_MAX = 15
CONFIG_KEY_MAX = 253

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = f"({_QUALIFIED})?"
_CONFIG_KEY = "[-._a-zA-Z0-9]+"
_ENV_NAME = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_C_IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*"

_LABEL_RE = re.compile(_LABEL)
_SUBDOMAIN_RE = re.compile(_SUBDOMAIN)
_DNS1035_RE = re.compile(_DNS1035)
_QUALIFIED_RE = re.compile(_QUALIFIED)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE)
_CONFIG_KEY_RE = re.compile(_CONFIG_KEY)
_ENV_NAME_RE = re.compile(_ENV_NAME)
_C_IDENTIFIER_RE = re.compile(_C_IDENTIFIER)
_PORT_NAME_CHARS = re.compile("[-a-z0-9]+")
_HAS_LETTER = re.compile("[a-z]")


def _regex_error(what: str, regex: str, *examples: str) -> str:
    shown = ",  or ".join(f"'{e}'" for e in examples)
    return f"{what} (e.g. {shown}, regex used for validation is '{regex}')"


def _too_long(limit: int) -> str:
    return f"must be no more than {limit} characters"


def is_dns1123_label(value: str) -> list[str]:
    errors = [_too_long(DNS1123_LABEL_MAX)] if len(value) > DNS1123_LABEL_MAX else []
    if not _LABEL_RE.fullmatch(value):
        errors.append(_regex_error(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
            "and must start and end with an alphanumeric character", _LABEL, "my-name", "123-abc"))
    return errors


def is_dns1123_subdomain(value: str) -> list[str]:
    errors = [_too_long(DNS1123_SUBDOMAIN_MAX)] if len(value) > DNS1123_SUBDOMAIN_MAX else []
    if not _SUBDOMAIN_RE.fullmatch(value):
        errors.append(_regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character",
            _SUBDOMAIN, "example.com"))
    return errors


def is_dns1035_label(value: str) -> list[str]:
    errors = [_too_long(DNS1123_LABEL_MAX)] if len(value) > DNS1123_LABEL_MAX else []
    if not _DNS1035_RE.fullmatch(value):
        errors.append(_regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
            "an alphabetic character, and end with an alphanumeric character", _DNS1035,
            "my-name", "abc-123"))
    return errors


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """`*.example.com` or a plain subdomain: Ingress hosts (`IsWildcardDNS1123Subdomain`)."""
    if value.startswith("*."):
        return is_dns1123_subdomain(value[2:])
    return is_dns1123_subdomain(value)


def is_qualified_name(value: str) -> list[str]:
    """A label or annotation key: an optional DNS subdomain prefix, a slash, and a name."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        errors: list[str] = []
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors = ["prefix part must be non-empty"]
        else:
            errors = [f"prefix part {m}" for m in is_dns1123_subdomain(prefix)]
    else:
        return [_regex_error(
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
            "start and end with an alphanumeric character", _QUALIFIED, "MyName", "my.name",
            "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errors.append("name part " + _too_long(QUALIFIED_NAME_MAX))
    if name and not _QUALIFIED_RE.fullmatch(name):
        errors.append("name part " + _regex_error(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
            "an alphanumeric character", _QUALIFIED, "MyName", "my.name", "123-abc"))
    return errors


def is_valid_label_value(value: str) -> list[str]:
    errors = [_too_long(LABEL_VALUE_MAX)] if len(value) > LABEL_VALUE_MAX else []
    if not _LABEL_VALUE_RE.fullmatch(value):
        errors.append(_regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
            "or '.', and must start and end with an alphanumeric character", _LABEL_VALUE,
            "MyValue", "my_value", "12345"))
    return errors


def is_valid_port_name(value: str) -> list[str]:
    """An IANA_SVC_NAME (RFC 6335): what container and probe ports may be named."""
    errors = []
    if len(value) > PORT_NAME_MAX:
        errors.append(_too_long(PORT_NAME_MAX))
    if not _PORT_NAME_CHARS.fullmatch(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if not _HAS_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def is_valid_port_num(value: int) -> list[str]:
    return [] if 1 <= value <= 65535 else ["must be between 1 and 65535, inclusive"]


def is_config_map_key(value: str) -> list[str]:
    """Keys of ConfigMap and Secret data, and of projected items."""
    errors = [_too_long(CONFIG_KEY_MAX)] if len(value) > CONFIG_KEY_MAX else []
    if not _CONFIG_KEY_RE.fullmatch(value):
        errors.append(_regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            _CONFIG_KEY, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errors.append("must not be '.'")
    elif value == "..":
        errors.append("must not be '..'")
    elif value.startswith(".."):
        errors.append("must not start with '..'")
    return errors


def is_env_var_name(value: str) -> list[str]:
    """Before the RelaxedEnvironmentVariableValidation gate (on by default from 1.32)."""
    errors = []
    if not _ENV_NAME_RE.fullmatch(value):
        errors.append(_regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', "
            "'-', or '.', and must not start with a digit", _ENV_NAME, "my.env-name", "MY_ENV.NAME",
            "MyEnvName1"))
    if value == ".":
        errors.append("must not be '.'")
    elif value == "..":
        errors.append("must not be '..'")
    elif value.startswith(".."):
        errors.append("must not start with '..'")
    return errors


def is_relaxed_env_var_name(value: str) -> list[str]:
    """`IsRelaxedEnvVarName`: any printable ASCII character but '='."""
    if value and all(" " <= c <= "~" and c != "=" for c in value):
        return []
    return ["a valid environment variable name must consist only of printable ASCII characters "
            "other than '='"]


def is_c_identifier(value: str) -> list[str]:
    if _C_IDENTIFIER_RE.fullmatch(value):
        return []
    return [_regex_error("a valid C identifier must start with alphabetic character or '_', followed "
                         "by a string of alphanumeric characters or '_'", _C_IDENTIFIER, "my_name",
                         "MY_NAME", "MyName")]


def is_valid_path_segment_name(value: str) -> list[str]:
    """RBAC object names: anything a URL path segment can hold (`IsValidPathSegmentName`)."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in value]
