"""Labs and their steps, with hidden directives, as FORMAT.md section 4 describes."""

LAB = """\
## Running our Consul cluster

.lab[

- Create the stateful set:
  ```bash
  kubectl apply -f ~/container.training/k8s/consul-1.yaml
  ```

- Check the logs:
  ```bash
  stern consul
  ```

<!--
```wait Synced node info```
```key ^C```
-->

- Run `X` then:
  ```bash
  consul agent -retry-join=`X.X.X.X`
  ```

<!--
```bash
kubectl get pods \\
  -o wide
```
-->

- Look at this (not run):
  ```yaml
  kind: Pod
  ```

- Type it:
  ```
  echo no info string
  ```

]

Not a lab:
```bash
echo outside
```
"""


def test_steps_in_order_with_methods_and_lines(course):
    ch = course.chapter(LAB)
    assert len(ch.labs) == 1
    lab = ch.labs[0]
    assert (lab.path, lab.line, lab.macro) == ("slides/ch.md", 3, "lab")
    got = [(s.method, s.data, s.hidden, s.line) for s in lab.steps]
    assert got == [
        ("bash", "kubectl apply -f ~/container.training/k8s/consul-1.yaml", False, 7),
        ("bash", "stern consul", False, 12),
        ("wait", "Synced node info", True, 16),
        ("key", "^C", True, 17),
        ("bash", "consul agent -retry-join=X.X.X.X", False, 22),
        ("bash", "kubectl get pods \\\n  -o wide", True, 27),
        ("yaml", "kind: Pod", False, 34),
        ("", "echo no info string", False, 39),  # shown, not typed
    ]


def test_exercise_is_the_older_name_of_lab(course):
    ch = course.chapter(".exercise[\n\n- Do:\n  ```bash\n  ls\n  ```\n\n]")
    assert [(lab.macro, [s.data for s in lab.steps]) for lab in ch.labs] == [("exercise", ["ls"])]


def test_nested_macros_inside_a_lab_stay_in_the_lab(course):
    ch = course.chapter(".lab[\n\n.small[\n```bash\nls\n```\n]\n\n```bash\npwd\n```\n\n]")
    assert [s.data for s in ch.labs[0].steps] == ["ls", "pwd"]


def test_lab_knows_its_slide(course):
    ch = course.chapter("one\n---\ntwo\n.lab[\n```bash\nls\n```\n]")
    assert ch.labs[0].slide_index == 1 and ch.slides[1].labs == ch.labs


def test_code_blocks_anywhere_know_if_they_are_in_a_lab(course):
    ch = course.chapter("```yaml\nkind: Pod\n```\n\n.lab[\n.small[\n```bash\nls `-l`\n```\n]\n]\n"
                        "\n```yaml\naffinity: {}\n```")
    got = [(c.lang, c.text, c.line, c.in_lab) for c in ch.code]
    assert got == [("yaml", "kind: Pod", 2, False), ("bash", "ls -l", 8, True),
                   ("yaml", "affinity: {}", 14, False)]
