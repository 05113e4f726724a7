"""Classify a disagreement with the oracle as one of its known, documented deviations.

Every deviation in `KNOWN_DEVIATIONS.md` has an entry here with

* ``applies(case, answer)``: the case has the feature that triggers the deviation, and
* ``emulate(case, answer, ours)``: a copy of the case rewritten so that *our* evaluator,
  run on it, reproduces what the oracle computes (e.g. drop the context keys the oracle
  dropped, or read epoch seconds as milliseconds).

A disagreement counts as a known deviation only when the applicable deviations, emulated
together, make our evaluator give exactly the oracle's answer. A disagreement that no
emulation explains fails the differential test.
"""

from __future__ import annotations

import copy
import ipaddress
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cdk_iam_roles.analysis import Decision, PolicySet, Request, evaluate
from cdk_iam_roles.analysis._compile import compile_policy
from cdk_iam_roles.analysis._principals import not_principal_exempts, parse_caller
from cdk_iam_roles.analysis._variables import unresolved_marker

Case = dict[str, Any]
Answer = dict[str, Any]

OUTCOMES = {
    "Allowed": "Allowed",
    "ExplicitlyDenied": "ExplicitDeny",
    "ImplicitlyDenied": "ImplicitDeny",
}
NEVER_ARN = "arn:aws:none:none:000000000000:never-matches"
_VARIABLE = re.compile(r"\$\{[^}]*\}")
_SPECIAL = re.compile(r"\$\{\s*[*?$]\s*\}")
_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")
_TYPED_FAMILIES = ("Numeric", "Date", "IpAddress", "NotIpAddress", "Arn")


def run(case: Case) -> Decision:
    """Evaluate a JSON case with our evaluator."""
    return evaluate(Request(**case["request"]), PolicySet(**case["policies"]))


def agrees(decision: Decision, answer: Answer) -> bool:
    """Whether our decision equals the oracle's answer.

    When we could not evaluate something, our outcome label is ``ImplicitDeny`` by
    design (we cannot say a deny was explicit), so only allowed-ness is compared.
    """
    result = answer["result"]
    if result not in OUTCOMES:
        return False
    if decision.unevaluable:
        return decision.allowed == (result == "Allowed")
    return decision.outcome == OUTCOMES[result]


# --- walking the policies of a case -------------------------------------------------


def _documents(case: Case) -> Iterator[dict[str, Any]]:
    policies = case["policies"]
    yield from policies.get("identity", [])
    for single in ("resource", "boundary", "session"):
        if policies.get(single):
            yield policies[single]
    for group in ("scps", "rcps"):
        for level in policies.get(group, []):
            yield from level


def _statements(case: Case) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for document in _documents(case):
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        for statement in statements:
            if isinstance(statement, dict):
                yield document, statement


def _clauses(case: Case) -> Iterator[tuple[dict[str, Any], str, str, Any]]:
    """Yield (condition block, operator, key, values) of every condition clause."""
    for _document, statement in _statements(case):
        condition = statement.get("Condition")
        if not isinstance(condition, dict):
            continue
        for operator, block in condition.items():
            if isinstance(block, dict):
                for key, values in block.items():
                    yield condition, operator, key, values


def _values(values: Any) -> list[Any]:
    return values if isinstance(values, list) else [values]


def _context_get(case: Case, key: str) -> Any:
    for name, value in case["request"].get("context", {}).items():
        if name.lower() == key.lower():
            return value
    return None


def _base(operator: str) -> str:
    base = operator.split(":", 1)[-1]
    return base[: -len("IfExists")] if base.endswith("IfExists") else base


# --- the deviations ------------------------------------------------------------------


@dataclass(frozen=True)
class Deviation:
    """One documented deviation of the oracle (or intentional difference of ours)."""

    id: str
    applies: Callable[[Case, Answer, Decision], bool]
    emulate: Callable[[Case, Answer, Decision], Case]


def _dropped_keys_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return case["mode"] == "simulate" and bool(answer.get("ignored"))


def _dropped_keys_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    ignored = {key.lower() for key in answer.get("ignored", [])}
    context = case["request"]["context"]
    case["request"]["context"] = {k: v for k, v in context.items() if k.lower() not in ignored}
    return case


_AMR = "cognito-identity.amazonaws.com:amr"


def _amr_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    value = _context_get(case, _AMR)
    return case["mode"] == "simulate" and isinstance(value, list) and len(value) > 1


def _amr_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    context = case["request"]["context"]
    for key, value in context.items():
        if key.lower() == _AMR and isinstance(value, list) and value:
            context[key] = value[0]
    return case


def _arn_variable_in_field(value: Any, resource_element: bool) -> bool:
    if not isinstance(value, str) or "${" not in value or unresolved_marker(value) is not None:
        return False  # no policy variable (an unresolved CloudFormation value is no variable)
    # Blank out the variables' own colons before splitting the ARN into fields.
    flat = _VARIABLE.sub(lambda m: "V" * len(m.group(0)), value)
    fields = flat.split(":", 5)
    if len(fields) != 6:
        return False
    originals = []
    start = 0
    for field in fields:
        originals.append(value[start : start + len(field)])
        start += len(field) + 1
    if any("${" in field for field in originals[:5]):
        return True
    # In a Resource ARN the oracle also misses a variable in a resource part that has no
    # "/" (an SQS queue name, for instance).
    return resource_element and "${" in originals[5] and "/" not in originals[5]


def _arn_variable_sites(case: Case) -> Iterator[tuple[dict[str, Any], str, int | None]]:
    for _document, statement in _statements(case):
        # The oracle substitutes variables whatever the Version (see below).
        for element in ("Resource", "NotResource"):
            for index, value in enumerate(_values(statement.get(element, []))):
                if _arn_variable_in_field(value, True):
                    yield statement, element, index
        condition = statement.get("Condition")
        if isinstance(condition, dict):
            for operator, block in condition.items():
                if _base(operator).startswith("Arn") and isinstance(block, dict):
                    for key, values in block.items():
                        if any(_arn_variable_in_field(v, False) for v in _values(values)):
                            yield block, key, None


def _arn_variable_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _arn_variable_sites(case))


def _arn_variable_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    for container, name, _index in list(_arn_variable_sites(case)):
        values = _values(container[name])
        resource_element = name in ("Resource", "NotResource")
        replaced = [NEVER_ARN if _arn_variable_in_field(v, resource_element) else v for v in values]
        container[name] = replaced if isinstance(container[name], list) else replaced[0]
    return case


def _is_epoch(value: Any) -> bool:
    return isinstance(value, str | int | float) and bool(_EPOCH.match(str(value).strip()))


def _date_clauses(case: Case) -> Iterator[tuple[dict[str, Any], str, str, Any]]:
    for condition, operator, key, values in _clauses(case):
        if _base(operator).startswith("Date"):
            yield condition, operator, key, values


def _date_mixed_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    for _condition, _operator, key, values in _date_clauses(case):
        actual = _context_get(case, key)
        kinds = {_is_epoch(v) for v in _values(values)}
        kinds |= {_is_epoch(v) for v in _values(actual)} if actual is not None else set()
        if len(kinds) > 1:
            return True
    return False


def _as_milliseconds(value: Any) -> Any:
    if not _is_epoch(value):
        return value
    moment = datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def _date_mixed_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    keys = set()
    for condition, operator, key, values in list(_date_clauses(case)):
        block = condition[operator]
        block[key] = [_as_milliseconds(v) for v in _values(values)]
        keys.add(key.lower())
    context = case["request"]["context"]
    for name, value in list(context.items()):
        if name.lower() in keys:
            context[name] = (
                [_as_milliseconds(v) for v in value]
                if isinstance(value, list)
                else _as_milliseconds(value)
            )
    return case


def _special_sites(case: Case) -> Iterator[tuple[dict[str, Any], str]]:
    for condition, operator, key, values in _clauses(case):
        base = _base(operator)
        if base in ("StringLike", "StringNotLike"):
            continue
        if any(isinstance(v, str) and _SPECIAL.search(v) for v in _values(values)):
            yield condition[operator], key


def _special_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _special_sites(case))


def _special_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    for block, key in list(_special_sites(case)):
        values = _values(block[key])
        # The oracle keeps `${*}` as literal text, which no request value in the
        # corpus contains: a character no value contains has the same effect.
        replaced = [_SPECIAL.sub("\u0000", v) if isinstance(v, str) else v for v in values]
        block[key] = replaced if isinstance(block[key], list) else replaced[0]
    return case


def _old_version_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(
        document.get("Version") != "2012-10-17" and "${" in repr(document)
        for document in _documents(case)
    )


def _old_version_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    for document in _documents(case):
        if "${" in repr(document):
            document["Version"] = "2012-10-17"
    return case


def _session_grant_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    policies = case["policies"]
    caller = case["request"]["principal"]
    if not policies.get("session") or not policies.get("resource"):
        return False
    if ":assumed-role/" not in caller and ":federated-user/" not in caller:
        return False
    return caller in repr(policies["resource"])


def _session_grant_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    caller = case["request"]["principal"]
    account = caller.split(":")[4]
    if ":assumed-role/" in caller:
        stand_in = f"arn:aws:iam::{account}:role/{caller.split('/')[1]}"
    else:
        stand_in = account
    resource = case["policies"]["resource"]
    for statement in resource.get("Statement", []):
        principal = statement.get("Principal")
        if isinstance(principal, dict) and "AWS" in principal:
            values = _values(principal["AWS"])
            replaced = [stand_in if v == caller else v for v in values]
            principal["AWS"] = replaced if isinstance(principal["AWS"], list) else replaced[0]
    return case


def _if_exists_set_sites(case: Case) -> Iterator[tuple[dict[str, Any], str]]:
    for condition, operator, key, _ in _clauses(case):
        absent = _context_get(case, key) is None
        if absent and operator.startswith("ForAnyValue:") and operator.endswith("IfExists"):
            yield condition, operator


def _if_exists_set_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _if_exists_set_sites(case))


def _if_exists_set_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    for condition, operator in list(_if_exists_set_sites(case)):
        block = condition.pop(operator)
        target = condition.setdefault(operator[: -len("IfExists")], {})
        target.update(block)
    return case


def _ip_zero_sites(case: Case) -> Iterator[tuple[dict[str, Any], str]]:
    for condition, operator, key, values in _clauses(case):
        zero = any(str(v).strip() == "0.0.0.0/0" for v in _values(values))
        if zero and _base(operator) in ("IpAddress", "NotIpAddress"):
            yield condition[operator], key


def _ip_zero_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _ip_zero_sites(case))


def _ip_zero_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    for block, key in list(_ip_zero_sites(case)):
        values = _values(block[key])
        replaced = ["255.255.255.255/32" if str(v).strip() == "0.0.0.0/0" else v for v in values]
        block[key] = replaced if isinstance(block[key], list) else replaced[0]
    return case


def _short_not_resource_sites(case: Case) -> Iterator[dict[str, Any]]:
    for _document, statement in _statements(case):
        patterns = _values(statement.get("NotResource", []))
        if any(isinstance(p, str) and p != "*" and len(p.split(":")) < 6 for p in patterns):
            yield statement


def _short_not_resource_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _short_not_resource_sites(case))


def _short_not_resource_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle never applies such a statement: a NotResource of "*" has that effect.
    for statement in list(_short_not_resource_sites(case)):
        statement["NotResource"] = "*"
    return case


def _ip_version(text: str) -> int | None:
    try:
        return ipaddress.ip_address(text.strip()).version
    except ValueError:
        return None


def _bare_other_version_sites(case: Case) -> Iterator[tuple[dict[str, Any], str]]:
    for condition, operator, key, values in _clauses(case):
        if _base(operator) != "NotIpAddress":
            continue
        actual = _context_get(case, key)
        versions = {_ip_version(v) for v in _values(actual)} if actual is not None else set()
        for value in _values(values):
            bare = _ip_version(str(value))
            if bare is not None and versions - {bare, None}:
                yield condition[operator], key
                break


def _bare_other_version_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _bare_other_version_sites(case))


def _bare_other_version_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle finds NotIpAddress false for an address of the other IP version than a
    # bare (prefix-less) policy address: ranges that hold every address have that effect.
    for block, key in list(_bare_other_version_sites(case)):
        block[key] = [*_values(block[key]), "0.0.0.0/1", "128.0.0.0/1", "::/0"]
    return case


def _token_allow_refs(ours: Decision) -> set[tuple[str, int | None, int, int]]:
    return {
        (ref.kind, ref.level, ref.policy_index, ref.statement_index)
        for reason in ours.reasons
        if (ref := reason.statement) is not None
        and reason.code == "unevaluable"
        and ref.effect == "Allow"
        and reason.unevaluable is not None
        and reason.unevaluable.element in ("Resource", "NotResource")
        and "Token[" in reason.unevaluable.detail
    }


def _token_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return bool(_token_allow_refs(ours))


def _token_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle takes a `${Token[…]}` resource for a policy variable and lets it match
    # any resource: a Resource of "*" has that effect.
    refs = _token_allow_refs(ours)
    for index, document in enumerate(case["policies"].get("identity", [])):
        for position, statement in enumerate(document.get("Statement", [])):
            if ("identity", None, index, position) in refs:
                statement.pop("NotResource", None)
                statement["Resource"] = "*"
    return case


_NEGATED_STRING = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike")


def _missing_variable(case: Case, value: Any) -> bool:
    """Whether every variable of ``value`` names a missing key without a default."""
    if not isinstance(value, str):
        return False
    names = [m.group(0)[2:-1].strip() for m in _VARIABLE.finditer(value)]
    names = [n for n in names if n not in ("*", "?", "$")]
    return bool(names) and any(
        "," not in name
        and (_context_get(case, name) is None or not isinstance(_context_get(case, name), str))
        for name in names
    )


def _negated_null_sites(case: Case) -> Iterator[tuple[dict[str, Any], str, str]]:
    for _document, statement in _statements(case):
        # The oracle substitutes variables whatever the Version (see below).
        condition = statement.get("Condition")
        if not isinstance(condition, dict):
            continue
        for operator, block in condition.items():
            if _base(operator) in _NEGATED_STRING and isinstance(block, dict):
                for key, values in block.items():
                    if all(_missing_variable(case, v) for v in _values(values)):
                        yield condition, operator, key


def _negated_null_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _negated_null_sites(case))


def _negated_null_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle finds such a clause false: a clause on a key no request has is too.
    for condition, operator, key in list(_negated_null_sites(case)):
        del condition[operator][key]
        if not condition[operator]:
            del condition[operator]
        condition.setdefault("StringEquals", {})["oracle:never-present"] = "x"
    return case


def _not_resource_null_sites(case: Case) -> Iterator[dict[str, Any]]:
    for _document, statement in _statements(case):
        # The oracle substitutes variables whatever the Version (see below).
        if any(_missing_variable(case, p) for p in _values(statement.get("NotResource", []))):
            yield statement


def _not_resource_null_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _not_resource_null_sites(case))


def _not_resource_null_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle never applies the statement: a NotResource of "*" has that effect.
    for statement in list(_not_resource_null_sites(case)):
        statement["NotResource"] = "*"
    return case


def _fail_closed_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(
        reason.code == "unevaluable" and reason.statement and reason.statement.effect != "Allow"
        for reason in ours.reasons
    )


def _fail_closed_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle reads the Deny statements we could not evaluate as not matching (or
    # does not notice the problem): drop them and compare.
    drop: set[tuple[str, int | None, int, int]] = set()
    for reason in ours.reasons:
        ref = reason.statement
        if reason.code == "unevaluable" and ref is not None and ref.effect != "Allow":
            drop.add((ref.kind, ref.level, ref.policy_index, ref.statement_index))
    policies = case["policies"]

    def prune(document: Any, kind: str, level: int | None, index: int) -> Any:
        if not isinstance(document, dict) or not isinstance(document.get("Statement"), list):
            return document
        kept = [
            statement
            for position, statement in enumerate(document["Statement"])
            if (kind, level, index, position) not in drop
        ]
        return {**document, "Statement": kept}

    if "identity" in policies:
        policies["identity"] = [
            prune(doc, "identity", None, i) for i, doc in enumerate(policies["identity"])
        ]
    for single in ("resource", "boundary", "session"):
        if policies.get(single) is not None:
            policies[single] = prune(policies[single], single, None, 0)
    for group, kind in (("scps", "scp"), ("rcps", "rcp")):
        if group in policies:
            policies[group] = [
                [prune(doc, kind, number, i) for i, doc in enumerate(level)]
                for number, level in enumerate(policies[group])
            ]
    return case


def _not_principal_statements(case: Case, effect: str) -> Iterator[dict[str, Any]]:
    for _document, statement in _statements(case):
        if statement.get("Effect") == effect and "NotPrincipal" in statement:
            yield statement


def _names_at_some_level(statement: dict[str, Any], caller: str) -> bool | None:
    """Whether any NotPrincipal entry names the caller at any level (the oracle's rule);
    ``None`` when the entries cannot be read, and our exemption rule's answer too."""
    probe = {"Effect": "Deny", "NotPrincipal": statement["NotPrincipal"], "Action": "*"}
    compiled = compile_policy({"Version": "2012-10-17", "Statement": [probe]}, "resource", 0)[0]
    if compiled.principals is None or compiled.problems:
        return None
    parsed = parse_caller(caller)
    return any(entry.matches(parsed) is not None for entry in compiled.principals)


def _not_principal_allow_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _not_principal_statements(case, "Allow"))


def _not_principal_allow_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle grants to everyone the list does not name, as "*" would.
    caller = case["request"]["principal"]
    for document in _documents(case):
        statements = document.get("Statement")
        if not isinstance(statements, list):
            continue
        kept = []
        for statement in statements:
            if (
                isinstance(statement, dict)
                and statement.get("Effect") == "Allow"
                and ("NotPrincipal" in statement)
            ):
                if _names_at_some_level(statement, caller):
                    continue
                del statement["NotPrincipal"]
                statement["Principal"] = "*"
            kept.append(statement)
        document["Statement"] = kept
    return case


def _caller_chain(caller: str) -> list[str]:
    parsed = parse_caller(caller)
    chain = [caller]
    if parsed.account is not None:
        chain.append(f"arn:{parsed.partition}:iam::{parsed.account}:root")
        if parsed.kind == "session" and parsed.role_name is not None:
            chain.append(f"arn:{parsed.partition}:iam::{parsed.account}:role/{parsed.role_name}")
    return chain


def _not_principal_level_sites(case: Case) -> Iterator[dict[str, Any]]:
    caller = case["request"]["principal"]
    parsed = parse_caller(caller)
    if not parsed.is_aws_identity:
        return
    for statement in _not_principal_statements(case, "Deny"):
        if not _names_at_some_level(statement, caller):
            continue
        probe = {"Effect": "Deny", "NotPrincipal": statement["NotPrincipal"], "Action": "*"}
        compiled = compile_policy({"Version": "2012-10-17", "Statement": [probe]}, "resource", 0)
        entries = compiled[0].principals or ()
        if not_principal_exempts(entries, parsed) is not True:
            yield statement


def _not_principal_level_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _not_principal_level_sites(case))


def _not_principal_level_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle exempts a caller that any entry names (its account, its role or itself):
    # naming the caller at every level has that effect for us.
    chain = _caller_chain(case["request"]["principal"])
    for statement in list(_not_principal_level_sites(case)):
        element = statement["NotPrincipal"]
        if isinstance(element, dict):
            element["AWS"] = [*_values(element.get("AWS", [])), *chain]
    return case


def _wildcard_grants(case: Case) -> Iterator[dict[str, Any]]:
    resource = case["policies"].get("resource")
    if not case["policies"].get("session") or not isinstance(resource, dict):
        return
    for statement in resource.get("Statement", []):
        if (
            isinstance(statement, dict)
            and statement.get("Effect") == "Allow"
            and (statement.get("Principal") in ("*", {"AWS": "*"}))
        ):
            yield statement


def _wildcard_session_applies(case: Case, answer: Answer, ours: Decision) -> bool:
    return any(True for _ in _wildcard_grants(case))


def _wildcard_session_emulate(case: Case, answer: Answer, ours: Decision) -> Case:
    # The oracle limits a grant to "*" by the session policy: where the session policy
    # does not allow the request, such a grant has no effect.
    request = case["request"]
    session_only = evaluate(
        Request(
            request["principal"],
            request["action"],
            request["resource"],
            None,
            request.get("context", {}),
        ),
        PolicySet(identity=[case["policies"]["session"]]),
    )
    if session_only.allowed:
        return case
    resource = case["policies"]["resource"]
    drop = [id(statement) for statement in _wildcard_grants(case)]
    resource["Statement"] = [s for s in resource["Statement"] if id(s) not in drop]
    return case


# Order matters when several apply: the Version rewrite comes first, since the others
# look only at 2012-10-17 policies.
DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("ORACLE-VARIABLES-IN-OLD-VERSION", _old_version_applies, _old_version_emulate),
    Deviation("ORACLE-SIM-DROPS-CONTEXT-KEYS", _dropped_keys_applies, _dropped_keys_emulate),
    Deviation("ORACLE-SIM-AMR-FIRST-VALUE", _amr_applies, _amr_emulate),
    Deviation("ORACLE-ARN-FIELD-VARIABLE", _arn_variable_applies, _arn_variable_emulate),
    Deviation("ORACLE-DATE-EPOCH-MIXED", _date_mixed_applies, _date_mixed_emulate),
    Deviation("ORACLE-SPECIAL-VARIABLES-STRINGLIKE-ONLY", _special_applies, _special_emulate),
    Deviation(
        "ORACLE-SESSION-POLICY-LIMITS-SESSION-GRANT", _session_grant_applies, _session_grant_emulate
    ),
    Deviation("ORACLE-FORANYVALUE-IFEXISTS-ABSENT", _if_exists_set_applies, _if_exists_set_emulate),
    Deviation("ORACLE-IPV4-ZERO-PREFIX", _ip_zero_applies, _ip_zero_emulate),
    Deviation(
        "ORACLE-NOTRESOURCE-SHORT-PATTERN",
        _short_not_resource_applies,
        _short_not_resource_emulate,
    ),
    Deviation(
        "ORACLE-NOTIPADDRESS-BARE-OTHER-VERSION",
        _bare_other_version_applies,
        _bare_other_version_emulate,
    ),
    Deviation(
        "ORACLE-NEGATED-OPERATOR-NULL-VARIABLE", _negated_null_applies, _negated_null_emulate
    ),
    Deviation(
        "ORACLE-NOTRESOURCE-NULL-VARIABLE", _not_resource_null_applies, _not_resource_null_emulate
    ),
    Deviation("ORACLE-CDK-TOKEN-RESOURCE-MATCHES-ANY", _token_applies, _token_emulate),
    Deviation(
        "OURS-NOTPRINCIPAL-ALLOW-UNSUPPORTED",
        _not_principal_allow_applies,
        _not_principal_allow_emulate,
    ),
    Deviation(
        "ORACLE-NOTPRINCIPAL-ANY-LEVEL", _not_principal_level_applies, _not_principal_level_emulate
    ),
    Deviation(
        "ORACLE-WILDCARD-GRANT-LIMITED-BY-SESSION-POLICY",
        _wildcard_session_applies,
        _wildcard_session_emulate,
    ),
    Deviation("OURS-FAIL-CLOSED-DENY", _fail_closed_applies, _fail_closed_emulate),
)


def classify(case: Case, ours: Decision, answer: Answer) -> tuple[str, ...] | None:
    """Return the known deviations that explain a disagreement, or ``None`` if none do.

    An oracle ``Error`` (it refused a policy AWS would reject) is explained when we, too,
    reported what we could not evaluate and did not grant through it.
    """
    if answer["result"] == "Error":
        if ours.unevaluable and case["family"] == "fail-closed":
            return ("ORACLE-REJECTS-INVALID-POLICY",)
        return None
    applicable = [d for d in DEVIATIONS if d.applies(case, answer, ours)]
    if not applicable:
        return None
    for size in range(1, len(applicable) + 1):
        for combination in itertools.combinations(applicable, size):
            emulated = copy.deepcopy(case)
            for deviation in combination:
                emulated = deviation.emulate(emulated, answer, ours)
            if agrees(run(emulated), answer):
                return tuple(deviation.id for deviation in combination)
    return None
