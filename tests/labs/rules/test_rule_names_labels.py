"""Names per kind, label keys and values, annotations."""

from __future__ import annotations


def test_capitals_in_a_configmap_name_are_rejected(check):
    found = check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: MyConfig
        """, only="k8s-object-name")
    assert len(found) == 1
    assert found[0].startswith('4: error: document 1: metadata.name: Invalid value: "MyConfig": a lowercase '
                               "RFC 1123 subdomain must consist of lower case alphanumeric characters")


def test_dotted_configmap_names_are_valid(check):
    assert check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app.config.v2
        """) == []


def test_service_names_are_dns1035_labels(check):
    found = check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: 2048-game
        spec:
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web.frontend
        spec:
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: game-2048
        spec:
          ports: [{port: 80}]
        """, only="k8s-object-name")
    assert [f.split(": ")[2] for f in found] == ["document 1", "document 2"]
    assert "a DNS-1035 label must consist of lower case alphanumeric characters" in found[0]


def test_statefulset_names_follow_the_target_version(check):
    doc = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db.primary
        """
    assert check(doc, version="1.26", only="k8s-object-name") == []
    assert "RFC 1123 label" in check(doc, version="1.27", only="k8s-object-name")[0]


def test_rbac_names_may_hold_colons(check):
    assert check("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: system:custom-reader
        rules: []
        """) == []


def test_missing_name_and_long_cronjob_name(check):
    found = check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          labels: {app: x}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: a-very-long-cronjob-name-that-goes-well-beyond-fifty-two
        """, only="k8s-object-name")
    assert "metadata.name: Required value: name or generateName is required" in found[0]
    assert "must be no more than 52 characters" in found[1]


def test_custom_resources_are_left_alone(check):
    assert check("""
        apiVersion: apps.example.com/v1
        kind: Deployment
        metadata:
          name: Not_A_Valid_Name
        """) == []


def test_label_value_with_a_space_and_bad_keys(check):
    found = check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: hello world
            example.com/tier: front
            -bad: x
            a/b/c: x
        spec:
          containers: [{name: web, image: nginx}]
        """, only="k8s-labels")
    assert len(found) == 3
    assert found[0].startswith('6: error: document 1: metadata.labels: Invalid value: "hello world": a valid '
                               "label must be an empty string or consist of alphanumeric characters")
    assert found[1].startswith('8: error: document 1: metadata.labels: Invalid value: "-bad": name part must')
    assert found[2].startswith('9: error: document 1: metadata.labels: Invalid value: "a/b/c": '
                               'a qualified name')


def test_label_values_of_63_characters_pass_and_64_do_not(check):
    template = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          labels: {{v: {value}}}
        """
    assert check(template.format(value="a" * 63)) == []
    assert "must be no more than 63 characters" in check(template.format(value="a" * 64))[0]


def test_template_labels_node_selector_and_service_selector(check):
    found = check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web, "bad key": x}
            spec:
              nodeSelector: {disk: "fast ssd"}
              containers: [{name: web, image: nginx}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: "web app"}
          ports: [{port: 80}]
        """, only="k8s-labels")
    assert [f.split(": ")[3] for f in found] == ["spec.template.metadata.labels",
                                                 "spec.template.spec.nodeSelector",
                                                 "spec.selector"]


def test_annotations_keys_and_total_size(check):
    found = check(f"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          annotations:
            Example.COM/Owner: team
            big: "{'x' * (256 * 1024)}"
        """, only="k8s-labels")
    assert len(found) == 1  # upper case is fine in annotation keys; the size is not
    assert "metadata.annotations: Too long: must have at most 262144 bytes" in found[0]
