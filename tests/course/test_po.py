"""The quick catalog reader says what Babel says, or leaves the file to Babel: compared on many
generated catalogs, plain and odd (plural forms, contexts, obsolete entries, escapes, fuzzy
flags in every place, duplicates, broken lines, other charsets)."""

from __future__ import annotations

import io
import random

from babel.messages.pofile import read_po

from builder.course.po import quick_messages

WORDS = ["Hello", "world", "`kubectl get pods`", "é à ç", "x", "[link](http://a)", ""]
ESCAPES = ['\\"', "\\\\", "\\n", "\\t", "\\r", "\\a", "\\v", "\\q"]


def quoted(rng: random.Random) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3)))
    if rng.random() < 0.3:
        text += rng.choice(ESCAPES)
    return f'"{text}"'


def entry(rng: random.Random) -> list[str]:
    lines = []
    for _ in range(rng.randint(0, 2)):
        lines.append(rng.choice(["#: slides/a.md:3", "#, fuzzy", "#, python-format, fuzzy",
                                 "#. auto", "# user", '#| msgid "old"', "#,fuzzy"]))
    lines.append(f"msgid {quoted(rng)}")
    for _ in range(rng.randint(0, 2)):
        lines.append(quoted(rng))
    lines.append(f"msgstr {quoted(rng) if rng.random() < 0.8 else chr(34) * 2}")
    for _ in range(rng.randint(0, 2)):
        lines.append("  " + quoted(rng) + " ")
    return lines


ODD = ["msgctxt \"menu\"", "msgid_plural \"pods\"", "msgstr[0] \"pod\"", "#~ msgid \"gone\"",
       "#-#-#-#-#", "msgid \"Hello\"", "unquoted line", "\"stray\"", "msgstr \"again\"", "",
       "\ufeff# bom", "msgid\t\"tab\"", "msgid  \"two spaces\""]


def catalog(rng: random.Random) -> bytes:
    lines = ['msgid ""', 'msgstr ""',
             rng.choice(['"Content-Type: text/plain; charset=UTF-8\\n"',
                         '"Content-Type: text/plain; charset=CHARSET\\n"',
                         '"Content-Type: text/plain; charset=latin-1\\n"', '"X: y\\n"'])]
    for _ in range(rng.randint(0, 8)):
        lines += [""] + entry(rng)
        if rng.random() < 0.15:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(ODD))
    text = "\n".join(lines) + rng.choice(["\n", "", "\r\n"])
    data = text.encode("utf-8")
    if rng.random() < 0.03:
        data += b"\nmsgid \"\xff\"\nmsgstr \"x\"\n"
    return data


def babel_says(data: bytes):
    try:
        found = read_po(io.BytesIO(data), locale="fr", abort_invalid=True)
    except Exception as exc:  # noqa: BLE001 - any refusal: the quick reader must not accept it
        return type(exc)
    return [(m.id, m.string, m.lineno, m.fuzzy) for m in found if m.id]


def test_the_quick_reader_agrees_with_babel_or_leaves_the_file_to_it():
    rng = random.Random(15)
    quick = 0
    for _ in range(3000):
        data = catalog(rng)
        mine = quick_messages(data)
        if mine is None:
            continue
        quick += 1
        assert [(i, s, n, f) for i, s, n, f in mine] == babel_says(data), data.decode("utf-8", "replace")
    assert 500 < quick < 3000  # both paths taken: the comparison means something


def test_the_real_course_catalogs_are_read_quickly_and_alike(repo_root):
    catalogs = sorted((repo_root / "slides" / "locale").rglob("*.po"))
    assert catalogs
    for path in catalogs:
        data = path.read_bytes()
        assert quick_messages(data) == babel_says(data), path
