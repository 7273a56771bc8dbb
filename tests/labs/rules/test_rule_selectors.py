"""Selectors: well formed, and matching their pod template."""

from __future__ import annotations

DEPLOYMENT = """
    apiVersion: apps/v1
    kind: {kind}
    metadata:
      name: web
    spec:
      selector:
{selector}
      template:
        metadata:
          labels: {{app: web, tier: front}}
        spec:
          containers: [{{name: web, image: nginx}}]
    """


def deployment(selector: str, kind: str = "Deployment") -> str:
    indented = "\n".join("        " + line for line in selector.splitlines())
    return DEPLOYMENT.format(kind=kind, selector=indented)


def test_selector_that_misses_the_template_labels(check):
    found = check(deployment("matchLabels: {app: frontend}"), only="k8s-selectors")
    assert found == ['10: error: document 1: spec.template.metadata.labels: Invalid value: '
                     'map[string]string{"app":"web", "tier":"front"}: '
                     '`selector` does not match template `labels`']


def test_every_controller_checks_its_selector(check):
    for kind in ("ReplicaSet", "DaemonSet", "StatefulSet"):
        assert check(deployment("matchLabels: {app: api}", kind), only="k8s-selectors"), kind


def test_match_expressions_that_select_the_template_are_valid(check):
    assert check(deployment("""matchLabels: {app: web}
matchExpressions:
- {key: tier, operator: In, values: [front, back]}
- {key: canary, operator: DoesNotExist}
- {key: app, operator: Exists}
- {key: tier, operator: NotIn, values: [db]}""")) == []


def test_match_expressions_that_do_not_select_the_template(check):
    found = check(deployment("""matchExpressions:
- {key: tier, operator: NotIn, values: [front]}"""), only="k8s-selectors")
    assert "`selector` does not match template `labels`" in found[0]


def test_malformed_requirements(check):
    found = check(deployment("""matchExpressions:
- {key: tier, operator: In}
- {key: app, operator: Exists, values: [web]}
- {key: app, operator: Equals, values: [web]}"""), only="k8s-selectors")
    assert "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is " \
           "'In' or 'NotIn'" in found[0]
    assert "spec.selector.matchExpressions[1].values: Forbidden: may not be specified" in found[1]
    assert 'spec.selector.matchExpressions[2].operator: Invalid value: "Equals": not a valid selector ' \
           "operator" in found[2]


def test_empty_selector_is_invalid_for_controllers(check):
    found = check(deployment("matchLabels: {}"), only="k8s-selectors")
    assert "empty selector is invalid for deployment" in found[0]


def test_job_selector_needs_manual_selector(check):
    job = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: once
        spec:
          {manual}
          selector:
            matchLabels: {{app: once}}
          template:
            metadata:
              labels: {{app: once}}
            spec:
              restartPolicy: Never
              containers: [{{name: once, image: busybox}}]
        """
    assert "`selector` not auto-generated" in check(job.format(manual=""), only="k8s-selectors")[0]
    assert check(job.format(manual="manualSelector: true")) == []


def test_cronjob_job_template_has_no_selector(check):
    found = check("""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: tick
        spec:
          schedule: "@hourly"
          jobTemplate:
            spec:
              selector: {matchLabels: {app: tick}}
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: tick, image: busybox}]
        """, only="k8s-selectors")
    assert "spec.jobTemplate.spec.selector: Invalid value" in found[0]
    assert "`selector` will be auto-generated" in found[0]


def test_pdb_and_network_policy_selectors(check):
    found = check("""
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: web
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: "web server"}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: db
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from:
            - podSelector: {matchExpressions: [{key: app, operator: In}]}
        """, only="k8s-selectors")
    assert "spec.selector.matchLabels" in found[0]
    assert "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: Required value" in found[1]
