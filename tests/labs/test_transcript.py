"""The session's bounded output: positions survive trimming, matches split across reads are
found, what reaches people has its control characters escaped."""

import re

from builder.labs.transcript import Scanner, Transcript, cut, printable, step_output


def test_positions_stay_absolute_when_old_output_is_dropped():
    t = Transcript(window=100)
    for n in range(1000):
        t.append(f"line {n}\n")
    assert t.end == sum(len(f"line {n}\n") for n in range(1000))
    assert t.end - t.start <= 200  # only the window (and at most as much again) is kept
    assert t.since(0).endswith("line 999\n") and t.since(t.end - 9) == "line 999\n"


def test_text_and_patterns_split_across_two_reads_are_found_once():
    t = Transcript(window=64)
    wait = Scanner(t, t.end, overlap=0)
    marker = Scanner(t, t.end, overlap=16)
    t.append("x" * 500 + "server re")
    assert not wait.find("server ready")
    assert marker.search(re.compile(r"__CK_(\d+)\n")) is None
    t.append("ady\n__CK_")
    assert wait.find("server ready")
    t.append("42\nmore")
    match, end = marker.search(re.compile(r"__CK_(\d+)\n"))
    assert match.group(1) == "42" and t.since(end) == "more"


def test_a_step_keeps_the_tail_of_its_output_and_says_how_much_went():
    t = Transcript(window=1000)
    t.append("before\n")
    begin = t.end
    t.append("a" * 5000 + "the end")
    kept = step_output(t, begin, limit=100)
    assert kept.startswith("[4,907 earlier characters of output not kept]\n")
    assert kept.endswith("a" * 93 + "the end")


def test_control_and_invisible_characters_are_escaped():
    assert printable("tab\tnew\nnul\x00bel\x07esc\x1b del\x7f rlo\u202e zwsp\u200b é ✓") == (
        "tab\tnew\nnul\\x00bel\\x07esc\\x1b del\\x7f rlo\\u202e zwsp\\u200b é ✓")


def test_long_lines_keep_their_start_and_end():
    line = cut("start " + "x" * 10_000 + " the error", 80)
    assert len(line) == 80
    assert line.startswith("start xx") and line.endswith("x the error")
    assert "…[" in line and "characters]…" in line
    assert cut("short", 80) == "short"
