"""CronJob schedules as robfig/cron's ParseStandard reads them, and time zones."""

from __future__ import annotations

import pytest

from builder.labs.rules.cronjob import CronError, parse_go_duration, parse_schedule

CRONJOB = """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: tick
    spec:
      schedule: "{schedule}"
      {extra}
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers: [{{name: tick, image: busybox}}]
    """


@pytest.mark.parametrize("schedule", [
    "*/5 * * * *", "0 0 * * 0", "0 9-17 * * mon-fri", "0 0 1 jan,jul *", "15 3 * * SUN", "0 0 ? * *",
    "5/15 * * * *", "0 0 1-31/2 * *", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly",
    "@annually", "@every 1h30m", "@every 90s", "@every 1.5h", "0 0 * * 6",
])
def test_valid_schedules(schedule):
    parse_schedule(schedule)


@pytest.mark.parametrize(("schedule", "message"), [
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("0 24 * * *", "end of range (24) above maximum (23): 24"),
    ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
    ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
    ("0 17-9 * * *", "beginning of range (17) beyond end of range (9): 17-9"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("0 0 * * monday", 'failed to parse int from monday: strconv.Atoi: parsing "monday": invalid syntax'),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("@every day", "failed to parse duration @every day: time: invalid duration"),
    ("@every 1d", 'failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"'),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@Hourly", "unrecognized descriptor: @Hourly"),
    ("", "empty spec string"),
])
def test_invalid_schedules(schedule, message):
    with pytest.raises(CronError) as caught:
        parse_schedule(schedule)
    assert str(caught.value).startswith(message)


def test_go_durations():
    for good in ("0", "1h", "1h30m", "300ms", "1.5h", "2h45m10s", "10us", "10µs"):
        parse_go_duration(good)
    for bad in ("", "1", "h", ".h", "1x"):
        with pytest.raises(CronError):
            parse_go_duration(bad)


def test_bad_schedule_in_a_cronjob(check):
    found = check(CRONJOB.format(schedule="0 0 * * 7", extra=""), only="k8s-cronjob")
    assert found == ['6: error: document 1: spec.schedule: Invalid value: "0 0 * * 7": '
                     'end of range (7) above '
                     "maximum (6): 7"]


def test_macros_are_valid(check):
    assert check(CRONJOB.format(schedule="@hourly", extra="")) == []


def test_tz_in_schedule_follows_the_target_version(check):
    text = CRONJOB.format(schedule="CRON_TZ=Europe/Paris 0 6 * * *", extra="")
    assert check(text, version="1.28", only="k8s-cronjob") == []
    found = check(text, version="1.29", only="k8s-cronjob")
    assert found and "cannot use TZ or CRON_TZ in schedule, use timeZone field instead" in found[0]
    both = CRONJOB.format(schedule="TZ=UTC 0 6 * * *", extra="timeZone: Europe/Paris")
    assert "cannot use both timeZone field and TZ or CRON_TZ in schedule" in check(
        both, version="1.27", only="k8s-cronjob")[0]


def test_time_zones(check):
    assert check(CRONJOB.format(schedule="0 6 * * *", extra="timeZone: America/New_York")) == []
    assert check(CRONJOB.format(schedule="0 6 * * *", extra="timeZone: Etc/GMT+5")) == []
    for zone, message in (("Europe/Pariss", "unknown time zone Europe/Pariss"),
                          ("Local", "timeZone must be an explicit time zone"),
                          ("AMERICA/new_york", "unknown time zone AMERICA/new_york"),
                          ("' Europe/Paris'", "unknown time zone  Europe/Paris"),
                          ('""', "timeZone must be nil or non-empty string")):
        found = check(CRONJOB.format(schedule="0 6 * * *", extra=f"timeZone: {zone}"), only="k8s-cronjob")
        assert found and message in found[0], zone


def test_cronjob_restart_policy_and_counts(check):
    found = check("""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: tick
        spec:
          schedule: "@daily"
          startingDeadlineSeconds: -10
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: tick, image: busybox}]
        """)
    assert any("spec.jobTemplate.spec.template.spec.restartPolicy: Required value" in f for f in found)
    assert any("spec.startingDeadlineSeconds: Invalid value: -10: must be greater than or equal to 0" in f
               for f in found)
