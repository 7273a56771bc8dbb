"""CronJob schedules and time zones, parsed the way the API server parses them.

`validateCronJobSpec` / `validateScheduleFormat` (pkg/apis/batch/validation/validation.go) hand
the schedule to `cron.ParseStandard` of github.com/robfig/cron/v3: exactly five fields
(minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat;
`*` and `?`, lists, ranges and steps), or a descriptor (`@yearly`, `@annually`, `@monthly`,
`@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <Go duration>`), optionally after a
`TZ=`/`CRON_TZ=` prefix. From Kubernetes 1.29 a schedule containing "TZ" is refused on create
(use `timeZone`); before, only together with `timeZone`. `validateTimeZone` checks the
`timeZone` field: not empty, IANA-shaped names (`validTimeZoneCharacters`), not `Local`, and
known to the time zone database (`time.LoadLocation`; here, Python's `zoneinfo` with `tzdata`).
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from builder.labs.rules.context import ManifestContext, Report, mapping, string
from builder.labs.rules.objects import kind_of
from builder.labs.rules.rule import rule

DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                       "oct", "nov", "dec"), 1)}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (minimum, maximum, names) of minute, hour, day of month, month, day of week
_BOUNDS: tuple[tuple[int, int, dict[str, int] | None], ...] = (
    (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS))
_TIME_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")
_GO_INT = re.compile(r"[+-]?[0-9]+")
_DURATION_UNITS = frozenset({"ns", "us", "µs", "μs", "ms", "s", "m", "h"})


class CronError(ValueError):
    pass


def _go_list(fields: list[str]) -> str:
    return "[" + " ".join(fields) + "]"


def _atoi(text: str) -> int:
    """`strconv.Atoi` as robfig/cron's `mustParseInt` uses it."""
    if not _GO_INT.fullmatch(text):
        raise CronError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number


def _int_or_name(text: str, names: dict[str, int] | None) -> int:
    if names is not None and text.lower() in names:
        return names[text.lower()]
    return _atoi(text)


def _range(expr: str, low: int, high: int, names: dict[str, int] | None) -> None:
    """robfig/cron `getRange`: `*`, `?`, `N`, `N-M`, each with an optional `/step`."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if len(low_and_high) == 1:
            end = high  # "N/step" means "N-max/step"
    elif len(range_and_step) > 2:
        raise CronError(f"too many slashes: {expr}")
    if start < low:
        raise CronError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise CronError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def parse_go_duration(text: str) -> None:
    """`time.ParseDuration`'s grammar: `[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+`, or a bare 0."""
    rest = text[1:] if text[:1] in ("-", "+") else text
    if rest == "0":
        return
    if not rest:
        raise CronError(f'time: invalid duration "{text}"')
    while rest:
        match = re.match(r"([0-9]*)(?:\.([0-9]*))?", rest)
        assert match is not None
        if not match.group(1) and not match.group(2):
            raise CronError(f'time: invalid duration "{text}"')
        rest = rest[match.end():]
        unit = re.match(r"[^0-9.]*", rest)
        assert unit is not None
        if not unit.group(0):
            raise CronError(f'time: missing unit in duration "{text}"')
        if unit.group(0) not in _DURATION_UNITS:
            raise CronError(f'time: unknown unit "{unit.group(0)}" in duration "{text}"')
        rest = rest[unit.end():]


def known_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def parse_schedule(spec: str) -> None:
    """Raise CronError with robfig/cron v3's message if `ParseStandard` rejects `spec`."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        if space < 0:
            raise CronError(f"provided bad location {spec[spec.find('=') + 1:]}: no schedule after it")
        zone = spec[spec.find("=") + 1:space]
        if not known_time_zone(zone):
            raise CronError(f"provided bad location {zone}: unknown time zone {zone}")
        spec = spec[space:].strip()
    if spec.startswith("@"):
        if spec in DESCRIPTORS:
            return
        if spec.startswith("@every "):
            try:
                parse_go_duration(spec[len("@every "):])
            except CronError as exc:
                raise CronError(f"failed to parse duration {spec}: {exc}") from None
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: {_go_list(fields)}")
    for text, (low, high, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (e for e in text.split(",") if e):
            _range(expr, low, high, names)


def time_zone_problems(zone: str) -> list[str]:
    """`validateTimeZone`."""
    if not zone:
        return ["timeZone must be nil or non-empty string"]
    if any(part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.fullmatch(part)
           for part in zone.split("/")):
        return [f"unknown time zone {zone}"]
    problems = []
    if zone.lower() == "local":
        problems.append("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")
    if zone != "Local" and not known_time_zone(zone):
        problems.append(f"unknown time zone {zone}")
    return problems


@rule("k8s-cronjob")
def cronjob(doc: dict[str, Any], ctx: ManifestContext, report: Report) -> None:
    """The schedule parses as the API server's cron parser reads it; the time zone exists."""
    if kind_of(doc) != "CronJob":
        return
    spec = mapping(doc.get("spec"))
    schedule, zone = string(spec.get("schedule")), spec.get("timeZone")
    path = ("spec", "schedule")
    if schedule == "":
        report.required(path)
    elif schedule is not None:
        try:
            parse_schedule(schedule)
        except CronError as exc:
            report.invalid(path, schedule, str(exc))
        if "TZ" in schedule and ctx.at_least("1.29"):
            report.invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
        elif "TZ" in schedule and zone is not None:
            report.invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
    if isinstance(zone, str):
        report.each(("spec", "timeZone"), zone, time_zone_problems(zone))
    for field in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        report.nonnegative(("spec", field), spec.get(field))
