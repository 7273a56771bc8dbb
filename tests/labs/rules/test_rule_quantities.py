"""Quantities parsed as the API server parses them; requests within limits."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from builder.labs.rules.quantities import FORMAT_WRONG, SUFFIX_WRONG, QuantityError, parse_quantity


@pytest.mark.parametrize(("text", "value"), [
    ("500m", "0.5"), ("1.5Gi", str(3 * 2 ** 29)), ("1e3", "1000"), ("2", "2"), ("0.25", "0.25"),
    ("128Mi", str(128 * 2 ** 20)), ("1k", "1000"), ("1E", "1e18"), ("+5", "5"), (" 1Gi ", str(2 ** 30)),
    ("100u", "0.0001"), ("3e-3", "0.003"), (".5", "0.5"),
])
def test_valid_quantities(text, value):
    assert parse_quantity(text) == Decimal(value)


@pytest.mark.parametrize(("text", "message"), [
    ("1.5GB", FORMAT_WRONG), ("2 Gi", FORMAT_WRONG), ("one", FORMAT_WRONG), ("", FORMAT_WRONG),
    ("500mi", SUFFIX_WRONG), ("1e", SUFFIX_WRONG), ("10KB", FORMAT_WRONG), ("5Ki5", SUFFIX_WRONG),
])
def test_invalid_quantities(text, message):
    with pytest.raises(QuantityError, match=re.escape(message)):
        parse_quantity(text)


def test_quantities_everywhere_the_schema_has_one(check):
    found = check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
          - name: w
            image: nginx
            resources:
              limits: {memory: 1.5GB, cpu: "-1"}
          volumes:
          - name: scratch
            emptyDir: {sizeLimit: 10 Gi}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 5gb}}
        """, only="k8s-quantities")
    assert len(found) == 4
    assert found[0].startswith('10: error: document 1: spec.containers[0].resources.limits[memory]: Invalid '
                               'value: "1.5GB": quantities must match the regular expression')
    assert "(the API server cannot decode this Pod)" in found[0]
    assert 'limits[cpu]: Invalid value: "-1": must be greater than or equal to 0' in found[1]
    assert "spec.volumes[0].emptyDir.sizeLimit" in found[2]
    assert "spec.resources.requests[storage]" in found[3]


def test_request_above_limit_and_unknown_resource_names(check):
    found = check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          selector: {matchLabels: {app: d}}
          template:
            metadata: {labels: {app: d}}
            spec:
              containers:
              - name: w
                image: nginx
                resources:
                  requests: {cpu: "2", memory: 512Mi}
                  limits: {cpu: 1500m, memory: 1Gi, cpus: "2"}
        """, only="k8s-resources")
    assert len(found) == 2
    assert ('resources.limits[cpus]: Invalid value: "cpus": '
            "must be a standard resource for containers") in found[0]
    assert ('spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or '
            "equal to cpu limit of 1500m") in found[1]


def test_tricky_valid_quantities(check):
    assert check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
          - name: w
            image: nginx
            resources:
              requests: {cpu: 500m, memory: 1e3, ephemeral-storage: 1.5Gi}
              limits: {cpu: 0.5, memory: 1Ki, example.com/gpu: 1}
        """) == []
