"""Which programs a lab may call, and when a name is a typo of one (`kubeclt`, `kuebectl`).

A name is reported only when it is close to a tool the course uses AND is not itself a program
the course knows: shell words, common tools and daemons, the course's settings (`tools`), the
helpers its own setup scripts install (`ln -s ... /usr/local/bin/kns`), and the functions and
aliases its labs define. Very short names are never typos: too many real programs look alike.
"""

from __future__ import annotations

import difflib
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

# Programs a Kubernetes course calls; a word one typo away from one of them is suspicious.
COURSE_TOOLS = frozenset({
    "kubectl", "helm", "docker", "stern", "kind", "kustomize", "jq", "yq", "curl", "git",
    "minikube", "k3d", "kubeadm", "etcdctl", "crictl", "ctr", "skaffold", "tilt", "flux",
    "argocd", "istioctl", "linkerd", "velero", "kubeseal", "watch", "ssh", "wget", "openssl",
    "kubectx", "kubens", "k9s", "cfssl", "nerdctl", "podman", "terraform", "envsubst",
})
# Not typos of anything, however close they look: shell words, common tools, daemons.
KNOWN_PROGRAMS = COURSE_TOOLS | frozenset({
    "cd", "ls", "cat", "echo", "export", "sleep", "grep", "sed", "awk", "cut", "head", "tail",
    "sort", "uniq", "wc", "tee", "xargs", "mkdir", "rm", "cp", "mv", "touch", "chmod", "ln",
    "find", "diff", "base64", "sh", "bash", "env", "true", "false", "test", "[", "[[", "read",
    "for", "while", "until", "if", "do", "done", "then", "fi", "set", "unset", "source", ".",
    "alias", "printf", "pwd", "date", "nc", "ping", "dig", "nslookup", "host", "tr", "vi", "vim",
    "nano", "less", "more", "whoami", "hostname", "uname", "ps", "kill", "pkill", "time",
    "timeout", "make", "python3", "python", "pip", "tar", "unzip", "gzip", "htop", "top",
    "ip", "ss", "netstat", "iptables", "sudo", "exit", "clear", "history", "which", "type",
    "wait", "jobs", "fg", "bg", "seq", "yes", "shuf", "stat", "file", "du", "df", "free",
    "ab", "hey", "httping", "socat", "tmux", "screen", "apt", "apt-get", "brew", "go", "node",
    # daemons and the components a course runs by hand
    "dockerd", "containerd", "kubelet", "kube-apiserver", "kube-controller-manager",
    "kube-scheduler", "kube-proxy", "etcd", "cri-o", "crio", "runc", "sshd", "nginx", "redis-server",
    "consul", "vault", "prometheus", "grafana-server", "coredns",
    # common tools beyond coreutils
    "docker-compose", "compose", "httpie", "http", "telnet", "tcpdump", "traceroute", "mtr",
    "strace", "lsof", "git-lfs", "gcloud", "aws", "az", "eksctl", "doctl", "cfssljson",
    "kubeadm", "kompose", "ytt", "kapp", "kbld", "kctrl", "vendir", "imgpkg", "krew", "kubectl-krew",
    "pushd", "popd", "dirs", "local", "declare", "let", "eval", "exec", "trap", "shift", "return",
    "getent", "id", "groups", "useradd", "passwd", "systemctl", "journalctl", "service", "mount",
    "umount", "lsblk", "blkid", "mkfs", "fdisk", "parted", "losetup", "dd", "xxd", "od", "hexdump",
    "md5sum", "sha256sum", "cmp", "comm", "join", "paste", "fold", "fmt", "nl", "rev", "tac",
    "basename", "dirname", "realpath", "readlink", "mktemp", "install", "rsync", "scp", "sftp",
    "ssh-keygen", "ssh-copy-id", "gpg", "age", "sops", "whois", "curlie",
})
MIN_LENGTH = 4  # `kns`, `k9s`, `ctr`: short names are too often real programs to call typos
CUTOFF = 0.8
_INSTALLED = re.compile(
    r"(?:/bin/|\balias\s+|\bfunction\s+)([A-Za-z][\w.-]{2,})|^\s*([A-Za-z][\w.-]{2,})\s*\(\)\s*\{", re.M)
_SCAN_LIMIT = 512 * 1024  # bytes per file: setup scripts are small
_SKIPPED = {".git", "node_modules", "images", "dist", ".venv"}


def transposed(a: str, b: str) -> bool:
    """`kuebectl` for `kubectl`: the same letters, two neighbours swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def near_miss(program: str, tools: Iterable[str]) -> str | None:
    """The tool `program` looks like a typo of, if any (difflib's ratio, or one swap)."""
    if len(program) < MIN_LENGTH:
        return None
    tools = sorted(tools)
    swapped = [t for t in tools if transposed(program, t)]
    if swapped:
        return swapped[0]
    close = difflib.get_close_matches(program, tools, n=1, cutoff=CUTOFF)
    return close[0] if close else None


def defined_in(script: str) -> set[str]:
    """Functions and aliases a lab step defines (`kns() {`, `alias k=kubectl`)."""
    return {a or b for a, b in _INSTALLED.findall(script) if not (a or b).endswith("/")}


def installed_by(repo: Path) -> frozenset[str]:
    """Programs the course's own files install or define: setup scripts, Dockerfiles, cloud-init."""
    found: set[str] = set()
    for path in _files(repo):
        try:
            data = path.read_bytes()[:_SCAN_LIMIT]
        except OSError:
            continue
        if b"\0" in data:
            continue
        found |= defined_in(data.decode("utf-8", "replace"))
    return frozenset(found)


def _files(repo: Path) -> Iterable[Path]:
    stack = [repo]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name in _SKIPPED or entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_dir():
                if not (folder == repo and entry.name == "slides"):
                    stack.append(entry)
            elif entry.suffix not in (".md", ".png", ".jpg", ".svg", ".gif", ".pdf", ".json"):
                yield entry


class Programs:
    """What the course knows: a near miss of a tool is reported only when nothing here explains it."""

    def __init__(self, repo: Path, extra: Iterable[str] = ()) -> None:
        self.repo = repo
        self.extra = frozenset(extra)
        self.tools = COURSE_TOOLS | self.extra
        self._installed: frozenset[str] | None = None
        self.asked: list[tuple[str, str | None]] = []  # what PATH said of each name, in order

    def known(self, program: str, defined: Iterable[str] = ()) -> bool:
        return program in KNOWN_PROGRAMS or program in self.extra or program in defined

    def typo(self, program: str, defined: Iterable[str] = ()) -> str | None:
        """The tool `program` is a typo of; None when it is fine or a program the course knows."""
        if "/" in program or "$" in program or "=" in program or self.known(program, defined):
            return None
        near = near_miss(program, self.tools)
        if near is None:
            return None
        if self._installed is None:  # read the course's setup files only when it matters
            self._installed = installed_by(self.repo)
        if program in self._installed:
            return None
        found = shutil.which(program)
        self.asked.append((program, found))  # the machine's answer: the results cache checks it
        return None if found else near  # a real program after all
