"""Manifest checks against the real bundled Kubernetes schemas: strict fields, old APIs, CRDs, fragments."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from builder.labs.schemas import REMOVALS, Problem, Schemas, available_versions
from builder.yamltext import load_documents


def load_yaml_documents(text: str) -> list[tuple[int, object]]:
    documents, error = load_documents(text)
    assert error is None
    return [(d.line, d.data) for d in documents]

ROOT = Path(__file__).resolve().parents[2]
NEWEST = available_versions()[-1]

CRONTAB_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer, minimum: 1}
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
              port:
                x-kubernetes-int-or-string: true
  - name: v1beta1
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object}
"""

AFFINITY = {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    {"labelSelector": {"matchLabels": {"app": "consul"}}, "topologyKey": "kubernetes.io/hostname"}]}}}


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas()


def docs_of(name: str) -> list[dict]:
    return [doc for _, doc in load_yaml_documents((ROOT / "k8s" / name).read_text(encoding="utf-8"))]


def statefulset() -> dict:
    return copy.deepcopy(next(d for d in docs_of("consul-3.yaml") if d["kind"] == "StatefulSet"))


def kinds(problems: list[Problem]) -> list[str]:
    return [p.kind for p in problems]


# -- versions -----------------------------------------------------------------------------------------


def test_bundled_versions_run_from_1_25_to_the_default():
    versions = available_versions()
    assert versions[0] == "1.25"
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))))
    assert Schemas().version == NEWEST
    assert Schemas("v1.29.3").version == "1.29"


def test_unknown_version_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"1\.12.*1\.25, 1\.26"):
        Schemas("1.12")


# -- whole objects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["consul-1.yaml", "consul-2.yaml", "consul-3.yaml"])
def test_the_repository_consul_manifests_are_valid(schemas, name):
    docs = docs_of(name)
    assert len(docs) == 5
    assert {n: schemas.validate(d) for n, d in enumerate(docs)} == {n: [] for n in range(5)}


def test_misspelt_field_is_unknown_with_a_suggestion(schemas):
    doc = statefulset()
    doc["spec"]["serviceNme"] = doc["spec"].pop("serviceName")
    message = 'unknown field "serviceNme" (did you mean "serviceName"?)'
    assert schemas.validate(doc) == [Problem("unknown-field", "spec.serviceNme", message)]


def test_misspelt_required_field_is_not_also_reported_missing(schemas):
    doc = statefulset()
    doc["spec"]["template"]["spec"]["containers"][0]["nme"] = "consul"
    del doc["spec"]["template"]["spec"]["containers"][0]["name"]
    problems = schemas.validate(doc)
    assert [(p.kind, p.path) for p in problems] == [
        ("unknown-field", "spec.template.spec.containers[0].nme")]
    assert 'did you mean "name"?' in problems[0].message


def test_wrong_types_and_missing_fields_say_where_and_what(schemas):
    doc = statefulset()
    doc["spec"]["replicas"] = "three"
    doc["metadata"]["labels"]["tier"] = 2
    doc["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = [8500]
    del doc["spec"]["selector"]
    found = {p.path: p for p in schemas.validate(doc)}
    assert found["spec.replicas"].message == 'expected integer, got string "three"'
    assert found["metadata.labels.tier"].message == "expected string, got integer 2 (quote it in YAML)"
    assert found["spec.template.spec.containers[0].ports[0].containerPort"].kind == "invalid"
    assert found["spec.selector"].message == "missing required field"


def test_int_or_string_mismatch_is_one_readable_problem(schemas):
    doc = next(d for d in docs_of("consul-1.yaml") if d["kind"] == "Service")
    doc["spec"]["ports"][0]["targetPort"] = {"number": 8500}
    assert schemas.validate(doc) == [
        Problem("invalid", "spec.ports[0].targetPort", "expected string or integer, got a mapping")]


def test_odd_keys_are_quoted_in_paths(schemas):
    doc = statefulset()
    doc["metadata"]["labels"]["app.kubernetes.io/part-of"] = True
    assert [p.path for p in schemas.validate(doc)] == ['metadata.labels["app.kubernetes.io/part-of"]']


def test_problems_per_document_are_capped(schemas):
    doc = statefulset()
    doc["spec"].update({f"bogus{n}": n for n in range(20)})
    assert 1 <= len(schemas.validate(doc)) <= 5


def test_not_an_object(schemas):
    assert kinds(schemas.validate(["a", "list"])) == ["not-an-object"]
    assert kinds(schemas.validate({"kind": "Pod"})) == ["not-an-object"]
    assert "apiVersion" in schemas.validate({"kind": "Pod"})[0].message


def test_kubectl_lists_are_checked_item_by_item(schemas):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "imagee": "nginx"}]}}
    problems = schemas.validate({"apiVersion": "v1", "kind": "List", "items": [pod]})
    assert [p.path for p in problems] == ["items[0].spec.containers[0].imagee"]


# -- removed, deprecated and unknown APIs -------------------------------------------------------------


def test_removed_api_names_the_release_and_the_replacement(schemas):
    doc = {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {}}
    message = "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1"
    assert schemas.validate(doc) == [Problem("removed-api", "apiVersion", message)]


def test_psp_removal_has_no_replacement_api(schemas):
    (problem,) = schemas.validate({"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy"})
    assert problem.kind == "removed-api"
    assert "1.25" in problem.message and "Pod Security Admission" in problem.message


FLOWSCHEMA = {"apiVersion": "flowcontrol.apiserver.k8s.io/v1beta3", "kind": "FlowSchema",
              "metadata": {"name": "labs"}, "spec": {"priorityLevelConfiguration": {"name": "workload-low"}}}


def test_api_slated_for_removal_is_deprecated_but_still_validated():
    problems = Schemas("1.29").validate(FLOWSCHEMA)
    assert kinds(problems) == ["deprecated-api"]
    assert "1.32" in problems[0].message and "flowcontrol.apiserver.k8s.io/v1" in problems[0].message
    bad = copy.deepcopy(FLOWSCHEMA)
    bad["spec"]["matchingPrecedense"] = 500
    assert kinds(Schemas("1.29").validate(bad)) == ["deprecated-api", "unknown-field"]


@pytest.mark.parametrize("version", ["1.32", NEWEST])
def test_api_is_removed_from_its_release_on(version):
    assert Schemas(version).validate(FLOWSCHEMA) == [Problem(
        "removed-api", "apiVersion", "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in "
        "Kubernetes 1.32: use flowcontrol.apiserver.k8s.io/v1")]


def test_removal_table_agrees_with_the_bundles():
    """An API the table says was removed in a bundled release is absent from that release's schemas."""
    for removal in REMOVALS:
        if removal.removed_in in available_versions():
            group, _, version = removal.api_version.rpartition("/")
            served = Schemas(removal.removed_in)._bundle.kinds.get((group, version), {})
            assert not set(removal.kinds) & set(served), removal


def test_alpha_api_gone_from_the_target_is_reported_removed_from_older_bundles(schemas):
    (problem,) = schemas.validate({"apiVersion": "resource.k8s.io/v1alpha2", "kind": "ResourceClaim"})
    assert problem == Problem("removed-api", "apiVersion",
                              "resource.k8s.io/v1alpha2 ResourceClaim was removed in Kubernetes 1.31: "
                              "use resource.k8s.io/v1")


def test_unknown_kind_suggests_the_closest(schemas):
    assert schemas.validate({"apiVersion": "apps/v1", "kind": "Deploymnt", "spec": {}}) == [
        Problem("unknown-kind", "kind", 'no kind "Deploymnt" in apps/v1 (did you mean "Deployment"?)')]


def test_unknown_api_version_of_a_builtin_group(schemas):
    (problem,) = schemas.validate({"apiVersion": "apps/v2", "kind": "Deployment"})
    assert problem.kind == "unknown-kind" and "use apps/v1" in problem.message


def test_kind_in_the_wrong_group_names_the_right_one(schemas):
    assert schemas.validate({"apiVersion": "v1", "kind": "Deployment"}) == [
        Problem("unknown-kind", "kind", 'no kind "Deployment" in v1: use apps/v1')]


def test_kind_never_in_a_removed_api_version_is_still_removed(schemas):
    message = "extensions/v1beta1 was removed in Kubernetes 1.22: StatefulSet is served as apps/v1"
    assert schemas.validate({"apiVersion": "extensions/v1beta1", "kind": "StatefulSet"}) == [
        Problem("removed-api", "apiVersion", message)]


# -- custom resources ---------------------------------------------------------------------------------


def crontab(**spec) -> dict:
    return {"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "tick"},
            "spec": spec}


@pytest.fixture
def with_crd() -> Schemas:
    schemas = Schemas()
    crd_docs = [doc for _, doc in load_yaml_documents(CRONTAB_CRD)]
    assert [schemas.validate(d) for d in crd_docs] == [[]]
    assert schemas.add_crds(crd_docs) == ["stable.example.com/v1 CronTab"]
    return schemas


def test_custom_resource_valid_against_its_crd(with_crd):
    doc = crontab(cronSpec="* * * * */5", image="my-cron", replicas=2, port="http",
                  extra={"any": {"thing": 1}})
    assert with_crd.validate(doc) == []


def test_custom_resource_invalid_against_its_crd(with_crd):
    problems = with_crd.validate(crontab(cronSpc="* * * * */5", replicas=0, port=[80]))
    assert {(p.kind, p.path) for p in problems} == {
        ("unknown-field", "spec.cronSpc"), ("invalid", "spec.replicas"), ("invalid", "spec.port")}
    assert 'did you mean "cronSpec"?' in next(p.message for p in problems if p.path == "spec.cronSpc")


def test_custom_resource_metadata_is_checked_as_object_meta(with_crd):
    doc = crontab(cronSpec="x")
    doc["metadata"]["lables"] = {"app": "cron"}
    assert kinds(with_crd.validate(doc)) == ["unknown-field"]


def test_custom_resource_version_not_served_by_its_crd(with_crd):
    doc = crontab(cronSpec="x") | {"apiVersion": "stable.example.com/v1beta1"}
    assert kinds(with_crd.validate(doc)) == ["unknown-kind"]


def test_custom_resource_without_crd_is_unchecked(schemas):
    message = "custom resource stable.example.com/v1 CronTab: no CRD in this repository, not checked"
    assert schemas.validate(crontab(cronSpec="x")) == [Problem("unchecked", "", message)]


# -- fragments ----------------------------------------------------------------------------------------


def test_affinity_fragment_fits_pod_spec(schemas):
    assert schemas.validate_fragment(AFFINITY) == ("PodSpec", [])


def test_misspelt_affinity_fragment(schemas):
    data = copy.deepcopy(AFFINITY)
    term = data["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    term["topologyKy"] = term.pop("topologyKey")
    path = "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKy"
    message = 'unknown field "topologyKy" (did you mean "topologyKey"?)'
    assert schemas.validate_fragment(data) == ("PodSpec", [Problem("unknown-field", path, message)])


def test_lifecycle_fragment_fits_container(schemas):
    data = {"lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "consul leave"]}}}}
    assert schemas.validate_fragment(data) == ("Container", [])


def test_volume_claim_templates_fit_statefulset_spec(schemas):
    data = {"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}
    assert schemas.validate_fragment(data) == ("StatefulSetSpec", [])


def test_volume_mounts_fit_container_and_a_fragment_never_misses_a_field(schemas):
    assert schemas.validate_fragment({"volumeMounts": [{"name": "data", "mountPath": "/data"}]}) == (
        "Container", [])
    assert schemas.validate_fragment({"volumeMounts": [{"name": "data"}]}) == ("Container", [])


def test_fragment_with_one_misspelt_key_still_finds_its_place(schemas):
    data = {"containers": [{"name": "web", "image": "nginx"}], "restartPolicy": "Never", "nodeSelecter": {}}
    location, problems = schemas.validate_fragment(data)
    assert location == "PodSpec"
    assert kinds(problems) == ["unknown-field"] and 'did you mean "nodeSelector"?' in problems[0].message


def test_fragment_picks_the_place_where_it_is_valid(schemas):
    data = {"securityContext": {"runAsUser": 1000, "capabilities": {"add": ["NET_ADMIN"]}}}
    assert schemas.validate_fragment(data) == ("Container", [])


def test_fragment_hint_forces_the_place(schemas):
    assert schemas.validate_fragment({"name": "PORT", "value": 8080}, hint="EnvVar") == (
        "EnvVar", [Problem("invalid", "value", "expected string, got integer 8080 (quote it in YAML)")])
    with pytest.raises(ValueError):
        schemas.validate_fragment({}, hint="NoSuchThing")


def test_nonsense_fragment_fits_nothing_and_says_nothing(schemas):
    assert schemas.validate_fragment({"flavour": "vanilla", "scoops": 2}) == (None, [])


def test_a_deployment_spec_fragment_fits_the_deployment(schemas):
    data = {"spec": {"replicas": 3, "strategy": {}, "minReadySeconds": 5, "template": {"spec": {}}}}
    assert schemas.validate_fragment(data) == ("Deployment", [])


# -- many documents -----------------------------------------------------------------------------------


def test_many_documents_reuse_one_validator_per_kind(schemas):
    """Warm-path sanity (no timing): 300 documents, all valid, compiled validators shared across instances."""
    docs = [d for name in ("consul-1.yaml", "consul-2.yaml", "consul-3.yaml") for d in docs_of(name)] * 20
    assert len(docs) == 300
    assert all(schemas.validate(d) == [] for d in docs)
    assert Schemas()._bundle is schemas._bundle

