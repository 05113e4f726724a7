"""Errors raised by cdk-iam-roles.

Every error the library raises on purpose derives from :class:`CdkIamRolesError` and from
the builtin it refines, so callers can catch either::

    Exception
     └── CdkIamRolesError
          ├── RoleConfigError (ValueError)   bad input to a role pattern; every problem of
          │                                  one construct is reported together
          └── InputError (ValueError)        unusable input to a reader or the command line:
                                             a missing file, not JSON/YAML, no Resources

A :class:`RoleConfigError` carries :class:`Problem` records. Each names the argument, the
value received, what is wrong with it, how to fix it and the stable rule ID from the
catalog (``cdk-iam-roles`` docs, ``docs/RULES.md``), so the same ID can be looked up,
tested for and acknowledged.

Example:
    >>> from cdk_iam_roles.errors import Problem, RoleConfigError
    >>> err = RoleConfigError("Stack/Deploy", [Problem(
    ...     argument="external_ids", message="is required when third_party=True",
    ...     value=None, fix="Pass the ID the vendor issued you.", rule_id="IAMR-CA-001")])
    >>> str(err).startswith("Stack/Deploy: external_ids is required when third_party=True")
    True
    >>> str(err).endswith("(got none). Pass the ID the vendor issued you. [IAMR-CA-001]")
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["CdkIamRolesError", "InputError", "Problem", "ProblemCollector", "RoleConfigError"]


class CdkIamRolesError(Exception):
    """Base class of every error cdk-iam-roles raises on purpose."""


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple, set, frozenset)) and not value:
        return "none"
    return repr(value)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input of a construct.

    Args:
        argument: the keyword argument at fault, as the caller spelled it.
        message: what is wrong, phrased to follow the argument name ("must be ...").
        value: the value received (``None`` when the argument was missing).
        fix: one sentence on what to do instead.
        rule_id: the stable catalog ID, e.g. ``IAMR-CA-001``.
    """

    argument: str
    message: str
    value: object
    fix: str
    rule_id: str

    def render(self) -> str:
        """The problem as one line, without the construct path."""
        return (
            f"{self.argument} {self.message} (got {_show(self.value)}). {self.fix} [{self.rule_id}]"
        )


class RoleConfigError(CdkIamRolesError, ValueError):
    """Bad input to a role pattern, raised at construction with every problem found.

    Args:
        path: the construct path (``Stack/Deploy``), or the construct's id when the
            path is not known yet.
        problems: one or more problems; all are shown in the message.
    """

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("RoleConfigError needs at least one problem")
        self.path = path
        self.problems: tuple[Problem, ...] = tuple(problems)
        if len(self.problems) == 1:
            text = f"{path}: {self.problems[0].render()}"
        else:
            lines = "\n".join(f"  - {p.render()}" for p in self.problems)
            text = f"{path}: {len(self.problems)} problems:\n{lines}"
        super().__init__(text)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rule IDs of all problems, in the order found."""
        return tuple(p.rule_id for p in self.problems)


class InputError(CdkIamRolesError, ValueError):
    """Input that a reader or the command line cannot use (missing, malformed, empty)."""


@dataclass(slots=True)
class ProblemCollector:
    """Gathers the problems of one construct so that they are reported together.

    Example:
        >>> bag = ProblemCollector()
        >>> bag.add("service", "must not be empty", [], "Name a service principal.", "X-1")
        >>> try:
        ...     bag.raise_if_any("Stack/Role")
        ... except RoleConfigError as err:
        ...     print(err.rule_ids)
        ('X-1',)
    """

    problems: list[Problem] = field(default_factory=list)

    def add(self, argument: str, message: str, value: object, fix: str, rule_id: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(argument, message, value, fix, rule_id))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems found elsewhere (a validator of a shared value)."""
        self.problems.extend(problems)

    def raise_if_any(self, path: str | Callable[[], str]) -> None:
        """Raise one :class:`RoleConfigError` with everything recorded, if anything was.

        Args:
            path: the construct path, or a function that returns it (called only when
                there is something to report).
        """
        if self.problems:
            raise RoleConfigError(path if isinstance(path, str) else path(), self.problems)
