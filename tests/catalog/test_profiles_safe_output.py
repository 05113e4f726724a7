"""``profiles`` never writes a template value that could change ``~/.aws/config``.

A newline (or carriage return, NUL, Unicode line separator …) in an external ID, role
name, path, session name or account would start a new config line such as
``credential_process = /bin/sh -c evil``: code run on the reviewer's machine the next
time the profile is used. Each test reads the output the way the AWS CLI does
(``configparser.RawConfigParser``), after splitting lines as eagerly as any reader
could (``str.splitlines``), and checks that every section holds only the settings
``profiles`` writes and that the role with the hostile value was skipped with a warning.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_templates import ACCOUNT, role, stmt

from cdk_iam_roles.catalog import ProfileOptions, build_catalog, profile_report
from cdk_iam_roles.catalog._profile_values import setting_problem
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.cli import main
from cdk_iam_roles.errors import InputError

ALLOWED_KEYS = {
    "role_arn",
    "source_profile",
    "region",
    "mfa_serial",
    "external_id",
    "duration_seconds",
    "role_session_name",
}
SECTION = re.compile(r"profile [A-Za-z0-9_.@+-]+")
PAYLOAD = "credential_process = /bin/sh -c evil"
BREAKS = ["\n", "\r", "\r\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x1e"]


def parse_like_any_reader(text: str) -> configparser.RawConfigParser:
    """The INI as the AWS CLI reads it, with lines split on every Unicode line break."""
    parser = configparser.RawConfigParser()
    parser.read_string("\n".join(text.splitlines()))
    return parser


def assert_safe(text: str) -> configparser.RawConfigParser:
    parser = parse_like_any_reader(text)
    for section in parser.sections():
        assert SECTION.fullmatch(section), section
        assert set(parser[section]) <= ALLOWED_KEYS, dict(parser[section])
        for value in parser[section].values():
            assert value.isprintable(), repr(value)
            assert value.isascii(), repr(value)
            assert value == value.strip()
    assert "credential_process" not in {k for s in parser.sections() for k in parser[s]}
    # Every line that is not a section, a setting or blank is a comment.
    for line in text.splitlines():
        assert line == "" or line.startswith(("#", "[profile ")) or " = " in line, repr(line)
        assert line.isprintable(), repr(line)
    return parser


def stack_of(*resources: tuple[str, dict[str, Any]], account: str = ACCOUNT) -> StackTemplate:
    return StackTemplate.from_template(
        {"Resources": dict(resources)}, name="Org", account=account, region="eu-west-1"
    )


def vendor(**fields: str) -> dict[str, Any]:
    """A third-party role: external ID, session name, name and path as given."""
    condition: dict[str, Any] = {
        "sts:ExternalId": fields.get("external_id", "vendor-42"),
        "sts:RoleSessionName": fields.get("session_name", "vendor-bot"),
    }
    props: dict[str, Any] = {"RoleName": fields.get("name", "vendor")}
    if "path" in fields:
        props["Path"] = fields["path"]
    return role(stmt({"AWS": "222222222222"}, StringEquals=condition), **props)


def honest() -> tuple[str, dict[str, Any]]:
    return ("Honest", role(stmt({"AWS": "222222222222"}), RoleName="honest"))


@pytest.mark.parametrize("brk", BREAKS)
@pytest.mark.parametrize(
    ("field", "setting"),
    [
        ("external_id", "external_id"),
        ("session_name", "role_session_name"),
        ("name", "role_arn"),
        ("path", "role_arn"),
    ],
)
def test_a_line_break_in_a_template_value_skips_the_role(
    brk: str, field: str, setting: str
) -> None:
    hostile = f"x{brk}{PAYLOAD}"
    if field == "path":
        hostile = f"/ops{brk}{PAYLOAD}/"
    report = profile_report(
        build_catalog([stack_of(("Vendor", vendor(**{field: hostile})), honest())])
    )
    parser = assert_safe(report.text)
    # The honest role still gets its profile; the hostile one gets none.
    assert parser.sections() == ["profile Org-honest"]
    [skipped] = report.skipped
    assert skipped.path == "Org/Vendor"
    assert skipped.setting == setting
    assert PAYLOAD in skipped.value
    assert brk not in skipped.value
    assert "\n" not in skipped.warning
    assert skipped.warning.isprintable()
    assert "# Org/Vendor: no profile, because its " + setting in report.text


@pytest.mark.parametrize("brk", BREAKS)
def test_a_line_break_in_the_account_skips_every_role_of_the_stack(brk: str) -> None:
    stack = stack_of(honest(), account=f"{ACCOUNT}{brk}{PAYLOAD}")
    report = profile_report(build_catalog([stack]))
    assert assert_safe(report.text).sections() == []
    assert [s.setting for s in report.skipped] == ["role_arn"]


def test_profile_names_hold_no_ini_markup() -> None:
    stack = StackTemplate.from_template(
        {"Resources": {"R": role(stmt({"AWS": "222222222222"}), RoleName="a=b,c")}},
        name="St[a]ge;#x y",
        account=ACCOUNT,
        region="eu-west-1",
    )
    parser = assert_safe(profile_report(build_catalog([stack])).text)
    assert parser.sections() == ["profile St-a-ge-x-y-a-b-c"]
    # The role name keeps its "=" and "," in the ARN, where IAM allows them.
    assert parser["profile St-a-ge-x-y-a-b-c"]["role_arn"].endswith(":role/a=b,c")


@pytest.mark.parametrize(
    ("value", "fine"),
    [
        ("vendor-42", True),
        ("a", False),  # shorter than 2
        ("x" * 1224, True),
        ("x" * 1225, False),
        ("has space", False),
        ("semi;colon", False),
        ("ümlaut", False),
        ("a:b/c@d=e+f,g.h-i_j", True),
    ],
)
def test_external_ids_are_checked_against_what_sts_accepts(value: str, fine: bool) -> None:
    report = profile_report(build_catalog([stack_of(("Vendor", vendor(external_id=value)))]))
    assert_safe(report.text)
    assert (setting_problem("external_id", value) is None) is fine
    assert bool(report.skipped) is not fine


def test_session_names_are_checked_against_what_sts_accepts() -> None:
    report = profile_report(build_catalog([stack_of(("V", vendor(session_name="a:b")))]))
    assert [s.setting for s in report.skipped] == ["role_session_name"]
    assert setting_problem("role_session_name", "x" * 65) is not None


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("source_profile", f"me\n{PAYLOAD}"),
        ("source_profile", "my profile"),
        ("mfa_serial", f"arn:aws:iam::111111111111:mfa/me\r{PAYLOAD}"),
        ("region", f"eu-west-1\n{PAYLOAD}"),
        ("user_name", f"alice\u2028{PAYLOAD}"),
    ],
)
def test_unsafe_options_are_refused(option: str, value: str) -> None:
    with pytest.raises(InputError) as caught:
        profile_report(build_catalog([stack_of(honest())]), ProfileOptions(**{option: value}))
    assert "\n" not in str(caught.value)
    assert str(caught.value).isprintable()


def assembly(tmp_path: Path, template: dict[str, Any], account: str = ACCOUNT) -> Path:
    """A minimal cloud assembly: one stack with an environment, as CDK writes it."""
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "S.template.json").write_text(json.dumps(template))
    artifact = {
        "type": "aws:cloudformation:stack",
        "environment": f"aws://{account}/eu-west-1",
        "properties": {"templateFile": "S.template.json"},
        "displayName": "S",
    }
    manifest = {"version": "55.0.0", "artifacts": {"S": artifact}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def test_cli_warns_on_stderr_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = vendor(external_id=f"x\n{PAYLOAD}")
    out_dir = assembly(tmp_path, {"Resources": dict([("Vendor", hostile), honest()])})
    assert main(["profiles", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert assert_safe(out).sections() == ["profile S-honest"]
    [line] = err.splitlines()
    assert line.startswith("cdk-iam-roles: warning: no profile for S/Vendor: its external_id ")
    assert "'x\\ncredential_process = /bin/sh -c evil'" in line


def test_cli_skips_a_hostile_account_from_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = assembly(tmp_path, {"Resources": dict([honest()])}, account=f"{ACCOUNT}\r{PAYLOAD}")
    assert main(["profiles", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert assert_safe(out).sections() == []
    assert "its role_arn" in err
    assert len(err.splitlines()) == 1


def test_cli_refuses_an_unsafe_option_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "t.json"
    file.write_text(json.dumps({"Resources": dict([honest()])}))
    assert main(["profiles", str(file), "--source-profile", "a]b"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "source_profile 'a]b' is not a profile name" in err


# --- random values --------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    ["\n", "\r", "\x00", "\u2028", "[", "]", "=", ";", "#", " ", "credential_process", "${x}"]
)
_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=5)), max_size=8).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    external_id=_TEXT,
    session_name=_TEXT,
    name=_TEXT,
    path=_TEXT,
    account=_TEXT,
    stack_name=_TEXT,
    logical_id=_TEXT,
)
def test_random_values_never_reach_the_config_unchecked(
    external_id: str,
    session_name: str,
    name: str,
    path: str,
    account: str,
    stack_name: str,
    logical_id: str,
) -> None:
    resource = vendor(external_id=external_id, session_name=session_name, name=name, path=path)
    stack = StackTemplate.from_template(
        {"Resources": {logical_id or "R": resource}},
        name=stack_name or "S",
        account=account,
        region="eu-west-1",
    )
    report = profile_report(build_catalog([stack]))
    parser = assert_safe(report.text)
    for section in parser.sections():
        for key, value in parser[section].items():
            assert setting_problem(key, value) is None
    assert len(parser.sections()) + len(report.skipped) <= 1


def test_long_but_valid_names_still_get_a_profile() -> None:
    """A 128-character stack name and a 64-character role name are both legal."""
    stack = StackTemplate.from_template(
        {"Resources": {"R": role(stmt({"AWS": "222222222222"}), RoleName="r" * 64)}},
        name="S" * 128,
        account=ACCOUNT,
        region="eu-west-1",
    )
    report = profile_report(build_catalog([stack]))
    assert report.skipped == ()
    assert assert_safe(report.text).sections() == [f"profile {'S' * 128}-{'r' * 64}"]
