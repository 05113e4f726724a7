"""docs/troubleshooting.md: its app synthesizes, and every command prints what the page shows.

The page's first sample builds the "Shop" app into ``./shop.out``; each ```console line
``$ cdk-iam-roles ARGS; echo "exit $?"`` is run in-process and its standard output and
exit code are compared with the lines that follow it, byte for byte.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cdk_iam_roles.cli import main

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"
ECHO = '; echo "exit $?"'
# The ten problems of issue 7, in the order of the guide's sections.
PROBLEMS = 10


def _text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def _commands(text: str) -> list[tuple[str, str]]:
    """(command line, shown output including the ``exit N`` line) of every console block."""
    found: list[tuple[str, str]] = []
    for block in _blocks(text, "console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            found.append((command, shown))
    return found


def _sections(text: str) -> list[str]:
    return re.split(r"^## (?=\d+\. )", text, flags=re.M)[1:]


def test_every_command_prints_what_the_guide_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the guide's app, synthesized in a fresh folder as a reader would
    text = _text()
    blocks = _blocks(text, "python")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_troubleshooting"}
    exec(compile(blocks[0], "docs/troubleshooting.md sample 1", "exec"), namespace)
    assert (tmp_path / "shop.out" / "manifest.json").is_file()
    # it writes shop.out, never cdk.out (where tests/test_docs.py links the examples app)
    assert not (tmp_path / "cdk.out").exists()
    capsys.readouterr()
    # WHEN each command of the page runs, THEN it prints exactly what the page shows
    commands = _commands(text)
    assert 12 <= len(commands) <= 20
    codes = set()
    for command, shown in commands:
        assert command.endswith(ECHO), command
        argv = shlex.split(command.removesuffix(ECHO))
        assert argv[:1] == ["cdk-iam-roles"], command
        assert "shop.out" in argv, command
        code = main(argv[1:])
        out = capsys.readouterr().out
        assert f"{out}exit {code}\n" == shown, command
        codes.add(code)
    assert codes == {0, 1}  # the page shows allowed and denied requests, and findings
    # AND the page's other samples (the OrgStandard rules over shop.out) hold
    for number, block in enumerate(blocks[1:], 2):
        exec(compile(block, f"docs/troubleshooting.md sample {number}", "exec"), namespace)


def test_each_problem_cites_aws_and_names_what_prevents_and_explains_it() -> None:
    sections = _sections(_text())
    assert len(sections) == PROBLEMS
    for number, section in enumerate(sections, 1):
        title = section.splitlines()[0]
        assert section.startswith(f"{number}. "), title
        for part in ("**Symptom.**", "**AWS fact.**", "**Prevents it.**", "**Explains it.**"):
            assert part in section, f"{title}: {part} missing"
        assert "](https://docs.aws.amazon.com/" in section, f"{title}: no AWS page cited"
        # a rule ID, the revocation helper, or (no rule can know a deny's intent) a test helper
        feature = r"IAMR-[A-Z]+-\d{3}|revoke_sessions_issued_before|assert_cannot_call"
        assert re.search(feature, section), f"{title}: nothing prevents it"
        assert "cdk-iam-roles " in section, f"{title}: no command"


def test_cause_codes_the_guide_names_are_printed_by_its_commands() -> None:
    text = _text()
    printed = "".join(shown for _, shown in _commands(text))
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    named = set(re.findall(r"`\[?([a-z]+(?:-[a-z]+)+)\]?`", prose))
    causes = {code for code in named if re.search(rf"\[{code}\]", printed)}
    # the codes the guide promises in its table, each shown by at least one command
    expected = {
        "oidc-subject-wrong",
        "no-matching-statement",
        "boundary-cuts-action",
        "duration-above-max",
        "explicit-deny-resource-policy",
        "session-revoked",
        "service-not-trusted",
        "mfa-missing",
        "mfa-too-old",
        "caller-policy-missing",
        "trust-names-deleted-principal",
        "chained-one-hour",
    }
    assert expected <= causes, sorted(expected - causes)


def test_docs_index_links_every_page_once_and_only_existing_pages() -> None:
    docs = GUIDE.parent
    index = (docs / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+\.md)\)", index)
    assert len(links) == len(set(links))
    assert all((docs / link).is_file() for link in links), links
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")} - {"README.md"}
    assert pages == set(links)
