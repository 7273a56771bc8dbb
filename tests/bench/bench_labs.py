"""`make bench` (labs): `coursekit labs check` on a synthetic course of 150 manifests
(300 documents) and 800 labs (1,200 commands).

Target (issue 3): under 3 s warm (kubectl grammar cached) and under 6 s cold (grammar learnt
from kubectl's help first) on a 2-core machine. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parents[2] / "bench-out" / "labs"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
  labels:
    app: app-{n}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{n}
  template:
    metadata:
      labels:
        app: app-{n}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: app-{n}
spec:
  selector:
    app: app-{n}
  ports:
  - port: 80
    targetPort: 80
"""


def make_course(root: Path, manifests: int = 150, chapters: int = 100, labs_per_chapter: int = 8
                ) -> Path:
    (root / "k8s").mkdir(parents=True)
    (root / "slides" / "labs").mkdir(parents=True)
    for n in range(manifests):
        (root / "k8s" / f"app-{n}.yaml").write_text(DEPLOYMENT.format(n=n))
    names = []
    lab = 0
    for c in range(chapters):
        slides = [f"# Chapter {c}"]
        for _ in range(labs_per_chapter):
            n = lab % manifests
            steps = [f"- Deploy:\n  ```bash\n  kubectl apply -f ~/container.training/k8s/app-{n}.yaml\n  ```"]
            if lab % 2 == 0:  # half the labs have a second command: 800 labs, 1,200 commands
                steps.append(f"- Watch:\n  ```bash\n  kubectl get pods -l app=app-{n} -o wide -w\n  ```"
                             "\n<!--\n```wait Running```\n```key ^C```\n-->")
            slides.append(f"## Lab {lab}\n\n.lab[\n\n" + "\n\n".join(steps) + "\n\n]")
            lab += 1
        name = f"labs/ch{c:03d}.md"
        (root / "slides" / name).write_text("\n---\n".join(slides) + "\n")
        names.append(name)
    for d in range(4):
        body = "\n".join(f"- - {n}" for n in names[d::4])
        (root / "slides" / f"deck{d}.yml").write_text(f"title: Labs {d}\ncontent:\n{body}\n")
    return root


def run(repo: Path, cache: Path) -> tuple[float, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    t0 = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "builder", "labs", "check", "-q", "--repo",
                             str(repo)], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        sys.exit(f"labs check failed:\n{result.stdout}{result.stderr}")
    return elapsed, result.stdout.strip().splitlines()[-1]


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    repo = make_course(WORK / "course")
    cache = WORK / "cache"
    cold = []
    for _ in range(3):
        shutil.rmtree(cache, ignore_errors=True)
        elapsed, summary = run(repo, cache)
        cold.append(elapsed)
    warm = [run(repo, cache)[0] for _ in range(5)]
    print(f"labs check: {summary}")
    print(f"cold (kubectl grammar learnt first): median {statistics.median(cold):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in cold)})")
    print(f"warm (grammar cached): median {statistics.median(warm):.2f} s, best {min(warm):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in warm)})")


if __name__ == "__main__":
    main()
