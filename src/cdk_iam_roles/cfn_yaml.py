"""YAML templates read as CloudFormation reads them, or refused in one line.

:func:`~cdk_iam_roles.cfn_files.parse_template_text` hands every template that is not
JSON to :func:`parse_yaml_text`. CloudFormation reads YAML 1.1 with exceptions
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html);
this reader follows it, and where the meaning of a value is not settled it keeps the
value as written instead of picking one:

* **Unquoted scalars.** YAML 1.1 turns some unquoted text into numbers and booleans the
  author rarely meant: ``012345670123`` is the octal number 1402433619 (so an account ID
  with a leading zero is lost: CloudFormation then refuses it as no 12-digit account,
  aws-cloudformation/cloudformation-coverage-roadmap#745), ``yes`` and ``off`` are
  booleans (CloudFormation reads an unquoted ``yes`` as true, aws/aws-cli#5245), ``1:20``
  is 80, ``0x1F`` is 31, ``1_000`` is 1000. A plain value whose spelling JSON would not
  give its number or boolean becomes an :class:`Unquoted`: an
  :class:`~cdk_iam_roles.cfn.Unknown` (so no reader allows anything on a guess) that
  keeps the text as written, its line and what
  YAML 1.1 makes of it. The policy-document reader reports one as malformed, naming the
  value as written and saying to quote it. Kept as they are: integers written as JSON
  writes them (``3600``, ``123456789012``) up to 2**53, fractions such as ``1.5``, and
  ``true``/``false`` (also ``True``, ``FALSE``: every YAML reads them alike). A mapping
  key so spelled (``012345670123:`` in ``Mappings``) stays its text, but ``Fn::FindInMap``
  on it is the :class:`Unquoted`: CloudFormation would store it under another key.
* **Where readers disagree**, the value is an :class:`Unquoted` with no reading.
  ``012345678901`` (a leading zero and an 8 or a 9) and ``1e3`` are text to YAML 1.1,
  to PyYAML and so to cfn-lint, but CloudFormation has been seen to read them as numbers
  (aws/aws-cli#7787, by the AWS CLI maintainers and later reverted, quoted "nonoctal
  values such as 0888888 so they won't be treated as integers when deployed to the
  stack"; in aws/aws-cli#6908 one was deployed as 1.2345678901E10). Integers beyond 2**53
  lose digits in a JSON reader.
* ``y`` and ``n`` stay text: YAML 1.1's type repository lists them as booleans, but
  PyYAML (and so cfn-lint, which mirrors the service) and SnakeYAML read them as text.
* **Tags.** The short forms of CloudFormation's intrinsic functions (``!Ref``,
  ``!GetAtt A.Arn``, ``!Sub`` ...) become their ``Fn::`` form; any other local tag
  (``!Tag``) and any global tag YAML 1.1 does not define (``!!python/object:os.system``)
  is refused, as are ``!!binary``, ``!!omap``, ``!!pairs``, ``!!set`` and
  ``!!timestamp``, which CloudFormation does not support. An unquoted date
  (``Version: 2012-10-17``) stays text.
* **Duplicate keys** in one mapping are refused: CloudFormation's behaviour with them is
  undefined (the page above, for duplicate sections) and cfn-lint refuses them
  (``Duplicate found``), where a plain YAML reader lets the last one win silently, which
  in a policy would hide a statement.
* **Limits** (see :mod:`cdk_iam_roles.cfn_files`): depth, number of values and the
  values that aliases add are counted on the parser's events before anything is built.

Example:
    >>> parse_yaml_text("Principal: {AWS: 012345670123}", "t.yaml")["Principal"]["AWS"].text
    '012345670123'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from cdk_iam_roles.cfn import Unknown
from cdk_iam_roles.cfn_files import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_YAML_VALUES
from cdk_iam_roles.errors import InputError

__all__ = ["SHORT_FORMS", "Unquoted", "parse_yaml_text", "unquoted_values"]


class Unquoted(Unknown):
    """A plain YAML scalar whose meaning is not the one its text suggests, kept as written.

    It is an :class:`~cdk_iam_roles.cfn.Unknown`: the resolver, the rules and the evaluator
    never take it to allow. Its ``reason`` names the text, the line and what to do.

    Args:
        text: the scalar as written in the file. Required.
        line: its line in the file (1-based). Required.
        reading: what YAML 1.1 makes of it (an ``int``, ``float`` or ``bool``), or
            ``None`` when YAML 1.1 keeps it as text but CloudFormation may not. Required.
        reason: the explanation shown in messages. Required.

    Example:
        >>> value = parse_yaml_text("a: 0x1F", "t.yaml")["a"]
        >>> value.text, value.reading
        ('0x1F', 31)
    """

    __slots__ = ("line", "reading", "text")

    def __init__(self, text: str, line: int, reading: int | float | bool | None, reason: str):
        super().__init__(reason)
        self.text = text
        self.line = line
        self.reading = reading


def unquoted_values(value: Any) -> Iterator[tuple[str, Unquoted]]:
    """Each :class:`Unquoted` inside ``value``, with its path (``Principal.AWS[1]``).

    Iterative, so a deep value cannot exhaust the stack; the path of ``value`` itself is
    ``""``.

    Example:
        >>> doc = parse_yaml_text("Principal: {AWS: [x, 0123]}", "t.yaml")
        >>> [(path, found.text) for path, found in unquoted_values(doc)]
        [('Principal.AWS[1]', '0123')]
    """
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, Unquoted):
            yield path, item
        elif isinstance(item, Mapping):
            children = [(f"{path}.{key}" if path else str(key), v) for key, v in item.items()]
            pending.extend(reversed(children))
        elif isinstance(item, list):
            pending.extend(reversed([(f"{path}[{n}]", v) for n, v in enumerate(item)]))


# The short forms of the intrinsic functions, condition functions and rule functions:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
# and .../intrinsic-function-reference-rules.html
SHORT_FORMS: Final = frozenset(
    {
        "Ref",
        "Condition",
        "GetAtt",
        "Sub",
        "Join",
        "Select",
        "Split",
        "If",
        "Equals",
        "And",
        "Or",
        "Not",
        "FindInMap",
        "ImportValue",
        "Base64",
        "Cidr",
        "GetAZs",
        "Transform",
        "ToJsonString",
        "Length",
        "Contains",
        "EachMemberEquals",
        "EachMemberIn",
        "RefAll",
        "ValueOf",
        "ValueOfAll",
    }
)

# "CloudFormation doesn't support ... the binary, omap, pairs, set, and timestamp tags"
# (template-formats.html above).
_UNSUPPORTED_TAGS: Final = ("binary", "omap", "pairs", "set", "timestamp")

_YAML: Final = "tag:yaml.org,2002:"
_STR: Final = _YAML + "str"
_INT: Final = _YAML + "int"
_FLOAT: Final = _YAML + "float"
_BOOL: Final = _YAML + "bool"
_KEPT: Final = "tag:cdk-iam-roles,2025:unquoted"  # internal: a scalar kept as written

# Spellings whose value every reader agrees on, as JSON writes it.
_INT_AS_JSON: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT_AS_JSON: Final = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_BOOLS_AS_JSON: Final = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_EXACT: Final = 2**53  # the largest integer every JSON reader keeps exactly
# Text to YAML 1.1, a number to readers with a looser float pattern (SnakeYAML before
# 1.30, YAML 1.2): 012345678901, 09, 1e3, 1.0e3.
_NUMBER_LIKE: Final = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
)
_OCTAL: Final = re.compile(r"[-+]?0[0-7_]+")


def _kept_as_written(tag: str, text: str) -> bool:
    """Whether a plain scalar that YAML 1.1 resolves to ``tag`` must keep its text."""
    if tag == _STR:
        return text[:1] in "0123456789+-." and _NUMBER_LIKE.fullmatch(text) is not None
    if tag == _INT:
        if not _INT_AS_JSON.fullmatch(text):
            return True
        digits = len(text.lstrip("-"))
        return digits > 16 or (digits == 16 and abs(int(text)) > _EXACT)
    if tag == _FLOAT:
        return _FLOAT_AS_JSON.fullmatch(text) is None
    if tag == _BOOL:
        return text not in _BOOLS_AS_JSON
    return False


def _reason(text: str, line: int, tag: str, reading: Any) -> str:
    where = f"{text} unquoted (line {line})"
    keep = f"quote it ('{text}') to keep the text"
    if tag == _STR:
        seen = (
            "has been seen to read such a value" if text.lstrip("+-")[:1] == "0" else "may read it"
        )
        return f"{where}: YAML 1.1 keeps it as text, but CloudFormation {seen} as a number; {keep}"
    if tag == _BOOL:
        word = "true" if reading else "false"
        return (
            f"{where}: YAML 1.1, as CloudFormation reads it, makes it the boolean {word}; "
            f"write {word}, or {keep}"
        )
    if isinstance(reading, float) and not math.isfinite(reading):
        what = "not-a-number" if math.isnan(reading) else "minus " * (reading < 0) + "infinity"
        return f"{where}: YAML 1.1 makes it {what}, which no JSON number can hold; {keep}"
    if _INT_AS_JSON.fullmatch(text):
        return f"{where}: a number of more digits than a JSON number keeps exactly; {keep}"
    kind = "octal number" if _OCTAL.fullmatch(text) else "number"
    base = " (base 60)" if ":" in text else ""
    said = f"YAML 1.1, as CloudFormation reads it, makes it the {kind} {reading}{base}"
    return f"{where}: {said}; {keep}"


class _MisreadKeys(dict[str, Any]):
    """A mapping with keys YAML 1.1 reads as numbers or booleans, stored as written.

    ``unquoted_keys`` maps each such key to the :class:`Unquoted` that
    :meth:`cdk_iam_roles.cfn.Resolver.resolve` returns for an ``Fn::FindInMap`` on it:
    CloudFormation would look under another key, so the entry is unknown.
    """

    __slots__ = ("unquoted_keys",)

    unquoted_keys: dict[str, Unquoted]


def _key(value: Unquoted) -> Unquoted:
    """``value``, a mapping key, with a reason that says so."""
    reason = f"the mapping key {value.reason}"
    return Unquoted(value.text, value.line, value.reading, reason)


def parse_yaml_text(text: str, where: str) -> Any:
    """Parse a YAML template as described above.

    Args:
        text: the file's text. Required.
        where: the file, for messages. Required.

    Raises:
        InputError: not YAML, a tag or duplicate key refused above, or past a limit.

    Example:
        >>> parse_yaml_text("a: !Tag x", "t.yaml")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: t.yaml: uses the YAML tag !Tag, which is not ... (line 1)
    """
    import yaml

    loader_class = _yaml_loader()
    try:
        _check_yaml_events(loader_class(text), where)
        loader = loader_class(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        line = f"line {mark.line + 1}" if mark is not None else ""
        if isinstance(exc, yaml.constructor.ConstructorError) and problem:
            raise InputError(f"{where}: {problem} ({line})") from None
        if problem and "maximum nesting depth" in problem:  # libyaml's own limit, 1,000
            raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
        context = getattr(exc, "context", None)
        said = ", ".join(part for part in (context, problem) if part)
        detail = ": ".join(part for part in (line, said) if part)
        raise InputError(
            f"{where}: neither JSON nor YAML" + (f" ({detail})" if detail else "")
        ) from None


def _check_yaml_events(loader: Any, where: str) -> None:
    """One pass over the parser's events (no tree built, no recursion): depth, number of
    values, and the values that aliases add, counted as they would be expanded."""
    from yaml import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

    sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names
    open_nodes: list[list[Any]] = []  # [anchor, expanded size so far] per open collection
    values = added = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, CollectionStartEvent):
                if len(open_nodes) >= MAX_DEPTH:
                    raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels")
                open_nodes.append([event.anchor, 1])
                size = 0
            elif isinstance(event, CollectionEndEvent):
                anchor, size = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = size
            elif isinstance(event, ScalarEvent):
                size = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, AliasEvent):
                if any(entry[0] == event.anchor for entry in open_nodes):
                    raise InputError(
                        f"{where}: the YAML alias *{event.anchor} refers to a node that "
                        "contains it (an infinite document)"
                    )
                size = sizes.get(event.anchor or "", 1)
                added += size
                if added > MAX_ALIAS_VALUES:
                    raise InputError(
                        f"{where}: YAML aliases expand to more than {MAX_ALIAS_VALUES:,} "
                        "values (an alias bomb?); CloudFormation does not accept aliases"
                    )
            else:
                continue
            if not isinstance(event, CollectionEndEvent):
                values += 1
                if values > MAX_YAML_VALUES:
                    raise InputError(f"{where}: holds more than {MAX_YAML_VALUES:,} YAML values")
            if open_nodes and size:
                open_nodes[-1][1] += size
    finally:
        loader.dispose()


_LOADER: list[Any] = []


def _yaml_loader() -> Any:
    """The YAML loader class: libyaml's parser when installed (five times faster), our
    constructor and resolver either way. Built once, on first use."""
    if _LOADER:
        return _LOADER[0]
    from yaml.constructor import ConstructorError, SafeConstructor
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import Resolver

    parser: Any
    try:
        from yaml._yaml import CParser

        parser = CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        from yaml.composer import Composer
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class PyParser(Reader, Scanner, Parser, Composer):
            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)
                Composer.__init__(self)

        parser = PyParser

    class CfnLoader(parser, SafeConstructor, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            # Called by the composer (libyaml's too) for every untagged node.
            tag = Resolver.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]
            if kind is ScalarNode and implicit[0] and _kept_as_written(tag, value):
                return _KEPT
            return tag

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            # CloudFormation's keys are strings: "2012-10-17:" or "123456789012:" too.
            if isinstance(node, MappingNode):
                _refuse_duplicate_keys(node)
                self.flatten_mapping(node)
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise ConstructorError(
                        None, None, "a mapping key is a list or a mapping", key_node.start_mark
                    )
                mapping[key_node.value] = self.construct_object(value_node, deep=deep)
            return mapping

    def _refuse_duplicate_keys(node: Any) -> None:
        # A merge (<<) may override keys; two keys written in one mapping may not.
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _YAML + "merge":
                continue
            if key_node.value in seen:
                raise ConstructorError(
                    None,
                    None,
                    f"the key {key_node.value!r} appears twice in one mapping (first on "
                    f"line {seen[key_node.value]}); CloudFormation's behaviour is then "
                    "undefined and cfn-lint refuses it: keep one",
                    key_node.start_mark,
                )
            seen[key_node.value] = key_node.start_mark.line + 1

    # An unquoted date stays a string, as CloudFormation reads it.
    CfnLoader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }

    def kept(loader: Any, node: Any) -> Unquoted:
        text = node.value
        tag = Resolver.resolve(loader, ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        reading = None if tag == _STR else loader.yaml_constructors[tag](loader, node)
        line = node.start_mark.line + 1
        return Unquoted(text, line, reading, _reason(text, line, tag, reading))

    CfnLoader.add_constructor(_KEPT, kept)

    def construct_map(loader: Any, node: Any) -> Iterator[dict[str, Any]]:
        # A key YAML 1.1 reads as a number or boolean (an account ID with a leading zero
        # in Mappings) is kept as written, and Fn::FindInMap on it is unknown.
        misread = any(key.tag == _KEPT for key, _ in node.value)
        data: dict[str, Any] = _MisreadKeys() if misread else {}
        yield data
        data.update(loader.construct_mapping(node))
        if isinstance(data, _MisreadKeys):
            data.unquoted_keys = {
                key.value: _key(kept(loader, key)) for key, _ in node.value if key.tag == _KEPT
            }

    CfnLoader.add_constructor(_YAML + "map", construct_map)

    def refuse(loader: Any, node: Any) -> Any:
        tag = node.tag
        if isinstance(node, ScalarNode) and tag in (_YAML + "value", _YAML + "merge"):
            problem = f"{node.value} unquoted is a YAML 1.1 marker, not a value: quote it"
        else:
            shown = f"!!{tag[len(_YAML) :]}" if tag.startswith(_YAML) else f"!<{tag}>"
            problem = f"uses the YAML tag {shown}, which CloudFormation does not support"
        raise ConstructorError(None, None, problem, node.start_mark)

    for tag in _UNSUPPORTED_TAGS:
        CfnLoader.add_constructor(_YAML + tag, refuse)
    CfnLoader.add_constructor(None, refuse)  # any tag nothing else constructs

    def short_form(loader: Any, suffix: str, node: Any) -> Any:
        if suffix not in SHORT_FORMS:
            raise ConstructorError(
                None,
                None,
                f"uses the YAML tag !{suffix}, which is not a CloudFormation intrinsic "
                "function (its short forms are !Ref, !GetAtt, !Sub ...)",
                node.start_mark,
            )
        name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
        if isinstance(node, ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    CfnLoader.add_multi_constructor("!", short_form)
    _LOADER.append(CfnLoader)
    return CfnLoader
