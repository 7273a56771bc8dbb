"""`labs check` a maintainer can trust: no false alarms, the real defects found (issue 12).

Each test is a small chapter of its own that isolates one class of input real courses contain,
checked by the real CLI (real kubectl grammar, real schemas, real bash for syntax).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


class Checked:
    def __init__(self, result: subprocess.CompletedProcess[str]) -> None:
        self.status = result.returncode
        self.out = result.stdout
        self.err = result.stderr
        self.lines = [line for line in result.stdout.splitlines() if not line.startswith("checked ")]

    def errors(self) -> list[str]:
        return [line for line in self.lines if ": warning: " not in line and ": note: " not in line]

    def warnings(self) -> list[str]:
        return [line for line in self.lines if ": warning: " in line]


def check(
    course, chapter: str, files: dict[str, str] | None = None, cache: Path | None = None, *args: str
) -> Checked:
    course.write("slides/deck.yml", "content:\n- - ch.md\n")
    course.write("slides/ch.md", chapter)
    for rel, text in (files or {}).items():
        course.write(rel, text)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    result = subprocess.run(
        [sys.executable, "-m", "builder", "labs", "check", *args, "--repo", str(course.root)],
        cwd=course.root,
        text=True,
        capture_output=True,
        timeout=300,
        env=env,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return Checked(result)


def lab(*fences: str) -> str:
    return ".lab[\n\n" + "\n\n".join(textwrap.dedent(f).strip("\n") for f in fences) + "\n\n]\n"


def yaml_slide(text: str) -> str:
    return "## Shown\n\n```yaml\n" + textwrap.dedent(text).strip("\n") + "\n```\n"


# -- 1. YAML on slides that is not Kubernetes: skipped silently ---------------------------------------

NOT_KUBERNETES = {
    "compose": """
        version: "3"
        services:
          web:
            image: nginx
            ports: ["80:80"]
        """,
    "prometheus": """
        global:
          scrape_interval: 15s
        scrape_configs:
        - job_name: kubernetes-pods
          kubernetes_sd_configs:
          - role: pod
        """,
    "alertmanager": """
        route:
          receiver: team
        receivers:
        - name: team
          slack_configs: []
        """,
    "chart": """
        apiVersion: v2
        name: dockercoins
        version: 0.1.0
        """,
    "values": """
        replicaCount: 1
        image:
          repository: nginx
          tag: stable
        """,
    "kubeconfig": """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dmuc
          cluster:
            server: http://localhost:8080
        contexts: []
        """,
    "kind cluster": """
        kind: Cluster
        apiVersion: kind.x-k8s.io/v1alpha4
        nodes:
        - role: control-plane
        """,
    "kustomization": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
        - deployment.yaml
        """,
    "admission configuration": """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration: {}
        """,
    "ytt": """
        #@ load("@ytt:data", "data")
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: #@ data.values.name
        spec:
          replicas: #@ data.values.replicas
        """,
    "yaml lesson": """
        fruits:
        - apple
        - banana
        person:
          name: Jean
          age: 42
        """,
}


@pytest.mark.parametrize("name", NOT_KUBERNETES)
def test_yaml_that_is_not_kubernetes_is_skipped_silently(course, cache_home, name):
    checked = check(course, yaml_slide(NOT_KUBERNETES[name]), cache=cache_home)
    assert checked.status == 0 and checked.lines == [], checked.out


# -- 2. Elided or templated YAML is not a parse error ------------------------------------------------

ELIDED = {
    "dots": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          ...
          template:
            ...
        """,
    "dots as a value": """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: web
            image: nginx
            ports: ...
        """,
    "more fields": """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          (more fields here)
          type: NodePort
        """,
    "placeholder": """
        apiVersion: v1
        kind: Pod
        metadata:
          name: <podname>
        spec:
          containers:
          - name: <name>
            image: <image>
        """,
    "format lesson": """
        apiVersion: xxx
        kind: yyy
        metadata:
          name: zzz
          (more metadata fields here)
        (more fields here)
        """,
    "go template": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
        spec:
          replicas: {{ .Values.replicaCount }}
        """,
}


@pytest.mark.parametrize("name", ELIDED)
def test_elided_or_templated_yaml_is_not_an_error(course, cache_home, name):
    checked = check(course, yaml_slide(ELIDED[name]), cache=cache_home)
    assert checked.status == 0 and checked.errors() == [] and checked.warnings() == [], checked.out


# -- 3. Fragments are checked where they fit, never for missing fields -------------------------------

FRAGMENTS = {
    "deployment spec": """
        spec:
          replicas: 3
          strategy:
            rollingUpdate:
              maxUnavailable: 0
          minReadySeconds: 10
          template:
            spec:
              containers:
              - name: web
                image: nginx
        """,
    "ingress rules": """
        tls:
        - hosts: [web.example.com]
          secretName: web-tls
        rules:
        - host: web.example.com
        """,
    "pod disruption budget": """
        minAvailable: 2
        selector:
          matchLabels:
            app: consul
        """,
    "storage class": """
        provisioner: kubernetes.io/no-provisioner
        volumeBindingMode: WaitForFirstConsumer
        """,
    "cluster role": """
        rules:
        - apiGroups: [""]
          resources: [pods]
          verbs: [get, list]
        """,
    "crd top level": """
        spec:
          group: stable.example.com
          names:
            kind: CronTab
            plural: crontabs
          scope: Namespaced
        """,
}


@pytest.mark.parametrize("name", FRAGMENTS)
def test_fragments_are_checked_where_they_fit(course, cache_home, name):
    checked = check(course, yaml_slide(FRAGMENTS[name]), cache=cache_home)
    assert checked.status == 0 and checked.errors() == [] and checked.warnings() == [], checked.out


def test_a_misspelt_field_in_a_fragment_is_still_found(course, cache_home):
    checked = check(
        course,
        yaml_slide("""
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - name: web
                imagePullPolice: Always
        """),
        cache=cache_home,
    )
    assert checked.status == 1
    assert any(
        'unknown field "imagePullPolice"' in line and 'did you mean "imagePullPolicy"' in line
        for line in checked.errors()
    ), checked.out


# -- 4. A lab made only of prose is fine ---------------------------------------------------------------


def test_a_lab_of_prose_is_fine(course, cache_home):
    checked = check(
        course, ".lab[\n\n- Open the dashboard in your browser\n\n- Click on Graph\n\n]\n", cache=cache_home
    )
    assert checked.status == 0 and checked.lines == [], checked.out


# -- 5. A fence with no info string is shown, not typed ------------------------------------------------


def test_a_fence_without_info_string_is_not_typed(course, cache_home):
    checked = check(
        course,
        lab(
            """
        ```bash
        kubectl get pods
        ```
        """,
            """
        ```
        sum by (instance) (
          irate(container_cpu_usage_seconds_total[5m])
        ```
        """,
            """
        ```
        User \\"system:bootstrap\\" cannot get path \\"/\\""
        ```
        """,
        ),
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out


# -- 6. Placeholders in commands are not redirections --------------------------------------------------


def test_placeholders_are_not_redirections(course, cache_home):
    checked = check(
        course,
        lab("""
        ```bash
        curl http://<EXTERNAL-IP>:8080/
        kubectl get pod <pod-name> -o yaml
        snapctl task watch <ID>
        ```
        """),
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out


# -- 7. bash is the reference grammar; comments are fine; no internal exception is a finding ---------


def test_what_bash_accepts_is_not_a_syntax_error(course, cache_home):
    checked = check(
        course,
        lab(
            """
        ```bash
        # only a comment
        ```
        """,
            """
        ```bash
        cat <<EOF | kubectl apply -f -
        apiVersion: v1
        kind: Namespace
        metadata:
          name: hello
        EOF
        ```
        """,
            """
        ```bash
        for n in 1 2 3; do echo $((n*2)); done; case x in x) echo y;; esac
        ```
        """,
        ),
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out


def test_what_bash_refuses_is_an_error_in_bash_words(course, cache_home):
    checked = check(
        course,
        lab("""
        ```bash
        echo one
        if true; then echo two
        ```
        """),
        cache=cache_home,
    )
    assert checked.status == 1
    (line,) = checked.errors()
    assert line.startswith("slides/ch.md:") and "shell syntax error: syntax error" in line, checked.out


# -- 8. The working directory is followed across a chapter's steps ------------------------------------

BROKEN_CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndatta:\n  a: b\n"


def test_cd_is_followed_so_relative_manifests_are_validated(course, cache_home):
    checked = check(
        course,
        lab(
            """
        ```bash
        cd ~/container.training/k8s
        ```
        """,
            """
        ```bash
        kubectl apply -f web.yaml
        ```
        """,
        ),
        files={"k8s/web.yaml": BROKEN_CONFIGMAP},
        cache=cache_home,
    )
    assert checked.status == 1
    assert any(line.startswith("k8s/web.yaml:5: ") and '"datta"' in line for line in checked.errors()), (
        checked.out
    )


def test_a_relative_manifest_under_an_unknown_folder_is_not_an_error(course, cache_home):
    checked = check(
        course,
        lab("""
        ```bash
        git clone https://github.com/example/app
        cd app
        kubectl apply -f deploy.yaml
        ```
        """),
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out


# -- 9. Real programs are not typos -------------------------------------------------------------------


def test_a_helper_the_setup_scripts_install_is_not_a_typo(course, cache_home):
    chapter = lab("""
        ```bash
        helm3 version
        dockerd --version
        kns kube-system
        ```
        """)
    checked = check(course, chapter, cache=cache_home)
    assert [line for line in checked.errors() if "helm3" in line], checked.out  # a near miss of helm
    assert not [line for line in checked.lines if "dockerd" in line or "kns" in line], checked.out
    checked = check(
        course,
        chapter,
        {"prepare/setup.sh": "ln -sf /opt/helm-v3/helm /usr/local/bin/helm3\n"},
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out


def test_a_typo_of_kubectl_is_still_found(course, cache_home):
    checked = check(course, lab("```bash\nkuebectl get pods\n```"), cache=cache_home)
    assert checked.errors() == ["slides/ch.md:4: unknown program 'kuebectl' (did you mean 'kubectl'?)"]


# -- 10. Deprecated flags kubectl hides from its help --------------------------------------------------


def test_a_hidden_deprecated_flag_is_a_warning(course, cache_home):
    checked = check(
        course, lab("```bash\nkubectl scale deployment web --replicas=3 --record\n```"), cache=cache_home
    )
    assert checked.status == 0 and checked.errors() == [], checked.out
    (warning,) = checked.warnings()
    assert "--record" in warning and "deprecated" in warning and "unknown flag" not in warning


def test_a_flag_kubectl_does_not_have_is_still_unknown(course, cache_home):
    checked = check(
        course, lab("```bash\nkubectl run web --image=nginx --serviceaccount=web\n```"), cache=cache_home
    )
    assert checked.errors() == ['slides/ch.md:4: kubectl: unknown flag --serviceaccount for "kubectl run"']


# -- 11. A custom resource is checked against the CRD its chapter applied -----------------------------


def crd(field: str) -> str:
    return textwrap.dedent(f"""\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: coffees.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {{plural: coffees, singular: coffee, kind: Coffee}}
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
                    properties:
                      {field}: {{type: string}}
        """)


def test_a_custom_resource_meets_the_crd_its_chapter_applied(course, cache_home):
    resource = "apiVersion: example.com/v1\nkind: Coffee\nmetadata:\n  name: cup\nspec:\n  taste: strong\n"
    files = {"k8s/coffee-1.yaml": crd("taste"), "k8s/coffee-2.yaml": crd("flavour"), "k8s/cup.yaml": resource}
    chapter = lab("""
        ```bash
        kubectl apply -f ~/container.training/k8s/coffee-1.yaml
        kubectl apply -f ~/container.training/k8s/cup.yaml
        ```
        """)
    checked = check(course, chapter, files, cache=cache_home)
    assert checked.status == 0 and checked.errors() == [], checked.out
    files["k8s/coffee-1.yaml"], files["k8s/coffee-2.yaml"] = crd("flavour"), crd("taste")
    checked = check(course, chapter, files, cache=cache_home)
    assert any(line.startswith("k8s/cup.yaml:6: ") and '"taste"' in line for line in checked.errors()), (
        checked.out
    )


# -- 12. Brackets inside code spans do not end a lab ---------------------------------------------------


def test_a_bracket_in_a_code_span_does_not_end_the_lab(course, cache_home):
    chapter = textwrap.dedent("""\
        .lab[

        - Edit the file:

        <!--
        ```bash vim rng.yml```
        ```keys cwDaemonSet```
        ```keys ^[``` ]
        ```keys :wq```
        ```keys ^J```
        -->

        - Apply it:
          ```bash
          kubectl apply -f rng.yml
          ```

        ]
        """)
    checked = check(course, chapter, cache=cache_home)
    assert checked.errors() == [], checked.out
    assert "checked 1 labs, 6 steps" in checked.out


# -- 13. A manifest no lab applies, shown as an obsolete example: a warning at most -------------------


def test_an_obsolete_example_on_a_slide_is_a_warning(course, cache_home):
    checked = check(
        course,
        yaml_slide("""
        apiVersion: extensions/v1beta1
        kind: Ingress
        metadata:
          name: cheddar
        spec:
          rules:
          - host: cheddar.example.com
        """),
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out
    assert [line for line in checked.warnings() if "removed in Kubernetes 1.22" in line], checked.out


# -- Paths inside words, files the lab edits, keys the reference runner sends -------------------------


def test_paths_inside_shell_words_are_cut_where_the_shell_cuts_them(course, cache_home):
    chapter = lab("""
        ```bash
        docker run -v ~/container.training/app/worker:/workspace alpine ls /workspace
        docker run alpine echo "$(cat ~/container.training/app/logstash.conf)"
        cat ~/container.training/app/missing.conf
        ```
        """)
    checked = check(course, chapter, {"app/worker/main.py": "", "app/logstash.conf": ""}, cache=cache_home)
    assert checked.errors() == [
        "slides/ch.md:6: file not found: app/missing.conf (from ~/container.training/app/missing.conf)"
    ], checked.out


def test_a_manifest_the_lab_edits_first_is_judged_at_most_a_warning(course, cache_home):
    guarded = (
        "apiVersion: |\n  Edit the server address below, then remove this document.\n---\n" + BROKEN_CONFIGMAP
    )
    checked = check(
        course,
        lab(
            """
        ```bash
        vim ~/container.training/k8s/router.yaml
        ```
        """,
            """
        ```bash
        kubectl apply -f ~/container.training/k8s/router.yaml
        ```
        """,
        ),
        {"k8s/router.yaml": guarded},
        cache=cache_home,
    )
    assert checked.status == 0 and checked.errors() == [], checked.out
    assert len(checked.warnings()) == 2 and all(
        "the lab edits this file first" in w for w in checked.warnings()
    )


def test_keys_caret_c_stops_each_command_of_a_step_in_turn(course, cache_home):
    """A step of two watch commands, each stopped by `keys ^C` (the reference runner's idiom)."""
    chapter = lab(
        """
        ```bash
        kubectl get pods -w
        kubectl get deployments -w
        ```
        """,
        """
        <!--
        ```wait RESTARTS```
        ```keys ^C```
        ```wait AVAILABLE```
        ```keys ^C```
        -->
        """,
    )
    checked = check(course, chapter, cache=cache_home)
    assert checked.status == 0 and checked.lines == [], checked.out


def test_keys_caret_c_is_sent_as_the_key_by_the_runner(course, cache_home):
    chapter = lab(
        "```bash\n(echo first up; sleep 600)\n```",
        "<!--\n```wait first up```\n```keys ^C```\n-->",
        "```bash\necho after\n```",
    )
    assert check(course, chapter, cache=cache_home).status == 0
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    argv = [sys.executable, "-m", "builder", "labs", "run", "--cluster", "none", "--step-timeout", "20"]
    ran = subprocess.run(
        [*argv, "--repo", str(course.root)],
        cwd=course.root,
        text=True,
        capture_output=True,
        timeout=300,
        env=env,
    )
    assert ran.returncode == 0 and "4 steps passed, 0 failed" in ran.stdout, ran.stdout + ran.stderr


def test_a_miscased_kind_on_a_slide_is_found(course, cache_home):
    checked = check(
        course,
        yaml_slide("""
        apiVersion: v1
        Kind: Pod
        metadata:
          name: hello
        """),
        cache=cache_home,
    )
    assert checked.errors() == ['slides/ch.md:5: Kind: unknown field "Kind" (did you mean "kind"?)'], (
        checked.out
    )


# -- Real defects ---------------------------------------------------------------------------------------


def test_kubectl_exec_without_double_dash_is_an_error(course, cache_home):
    checked = check(course, lab("```bash\nkubectl exec consul-0 consul members\n```"), cache=cache_home)
    assert checked.status == 1
    assert checked.errors() == [
        'slides/ch.md:4: kubectl: "kubectl exec" needs -- before the container\'s '
        "command (kubectl refuses `kubectl exec POD COMMAND`)"
    ]


def test_kubectl_missing_a_required_argument_is_an_error(course, cache_home):
    checked = check(course, lab("```bash\nkubectl create deployment web\n```"), cache=cache_home)
    assert checked.errors() == ['slides/ch.md:4: kubectl: "kubectl create deployment" needs --image=image']


def test_duplicate_keys_are_errors_and_the_rest_of_the_file_is_checked(course, cache_home):
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndatta: {}\n"
    )
    checked = check(
        course,
        lab("```bash\nkubectl apply -f ~/container.training/k8s/cm.yaml\n```"),
        {"k8s/cm.yaml": manifest},
        cache=cache_home,
    )
    assert checked.status == 1
    errors = checked.errors()
    assert any(
        line.startswith("k8s/cm.yaml:5: ") and 'key "name" is given twice (first at line 4)' in line
        for line in errors
    ), checked.out
    assert any(line.startswith("k8s/cm.yaml:11: ") and '"datta"' in line for line in errors), checked.out


def test_data_values_that_are_not_strings_are_errors(course, cache_home):
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  port: 1234\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  enabled: true\n"
    )
    checked = check(
        course,
        lab("```bash\nkubectl apply -f ~/container.training/k8s/cm.yaml\n```"),
        {"k8s/cm.yaml": manifest},
        cache=cache_home,
    )
    errors = checked.errors()
    assert any(line.startswith("k8s/cm.yaml:6: ") and "quote it" in line for line in errors), checked.out
    assert any(line.startswith("k8s/cm.yaml:13: ") and "quote it" in line for line in errors), checked.out


def test_removed_apis_are_reported_in_every_document(course, cache_home):
    manifest = (
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: a\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata:\n  name: b\n---\n"
        "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: c\n"
    )
    checked = check(
        course,
        lab("```bash\nkubectl apply -f ~/container.training/k8s/old.yaml\n```"),
        {"k8s/old.yaml": manifest},
        cache=cache_home,
    )
    assert [line.split(":")[1] for line in checked.errors()] == ["1", "6", "11"], checked.out
    assert all("was removed in Kubernetes" in line for line in checked.errors())


def test_the_older_copypaste_directive_is_known_and_its_regex_checked(course, cache_home):
    """`copypaste` is how 2019 courses copy output and type it (the reference runner of that era
    knew it): no error; a regex it cannot compile is one."""
    checked = check(
        course, lab("```bash\necho token=1\n```", "<!-- ```copypaste token=\\d``` -->"), cache=cache_home
    )
    assert checked.status == 0, checked.out
    assert not [line for line in checked.out.splitlines() if "copypaste" in line], checked.out
    checked = check(
        course, lab("```bash\necho token=1\n```", "<!-- ```copypaste token=(\\d``` -->"), cache=cache_home
    )
    assert checked.status == 1
    assert [line for line in checked.errors() if "invalid regular expression" in line], checked.out


def test_json_format_and_strict(course, cache_home):
    import json

    checked = check(
        course,
        lab("```bash\nkubectl scale deployment web --replicas=3 --record\n```"),
        None,
        cache_home,
        "--format",
        "json",
    )
    assert checked.status == 0
    (found,) = json.loads(checked.out)
    assert (
        found["severity"] == "warning"
        and found["related"] == [{"path": "slides/ch.md", "line": 1, "message": "lab"}]
        and found["check"] == "kubectl"
    )
    checked = check(
        course,
        lab("```bash\nkubectl scale deployment web --replicas=3 --record\n```"),
        None,
        cache_home,
        "--strict",
    )
    assert checked.status == 1 and ": 1 error, 0 warnings, 0 notes [" in checked.out
