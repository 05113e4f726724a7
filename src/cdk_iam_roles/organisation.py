"""Read several apps (one per account or team) as one organisation.

Pure Python: never imports ``aws_cdk`` or ``jsii``. The commands accept several PATHs
(``cdk.out`` folders or templates); :func:`load_organisation` reads them all into one list
of stacks, so that ``explain`` finds a caller in one app and the role in another (the
caller's own identity policy then comes from its app, not from an assumption), and
``check``, ``catalog`` and ``profiles`` report every app at once.

Two apps often hold stacks of the same name (``App``, ``Pipeline``): such stacks, and
their construct paths, are prefixed with a label of their PATH (``workload:App``), so a
finding, a catalog entry or ``--role`` names one of them, never both.

Example:
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> for app in ("tooling", "workload"):
    ...     _ = (folder / f"{app}.json").write_text(json.dumps({"Resources": {}}))
    >>> [s.name for s in load_organisation([folder / "tooling.json", folder / "workload.json"])]
    ['tooling', 'workload']
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from cdk_iam_roles.cfn import StackTemplate, load_stacks
from cdk_iam_roles.errors import InputError

__all__ = ["load_organisation", "path_labels"]


def path_labels(paths: Sequence[str | Path]) -> list[str]:
    """A short, distinct label per PATH: ``apps/workload/cdk.out`` → ``workload``.

    Example:
        >>> path_labels(["apps/workload/cdk.out", "apps/tooling/cdk.out", "org.yaml"])
        ['workload', 'tooling', 'org']
    """
    labels = []
    for path in paths:
        target = Path(path)
        label = target.parent.name if target.name == "cdk.out" else target.stem
        labels.append(label or str(target))
    if len(set(labels)) != len(labels):  # two folders of one name: use the paths
        labels = [str(Path(path)) for path in paths]
    return labels


def load_organisation(paths: Sequence[str | Path]) -> list[StackTemplate]:
    """The stacks of every PATH, read as one organisation.

    Args:
        paths: ``cdk.out`` folders or template files, one per app (required, at least
            one; the same PATH twice is refused).

    Raises:
        InputError: no PATH, a PATH given twice, or a PATH that cannot be read (with a
            one-line reason).
    """
    if not paths:
        raise InputError("no PATH given: name a cdk.out folder or a template file")
    # realpath, unlike Path.resolve on Python 3.11, does not raise on a symlink loop: the
    # loop is then named by the reader.
    resolved = [os.path.realpath(p) for p in paths]
    twice = sorted({str(p) for p, n in Counter(resolved).items() if n > 1})
    if twice:
        raise InputError(f"{twice[0]}: given more than once")
    groups = [load_stacks(path) for path in paths]
    if len(groups) == 1:
        return groups[0]
    counts = Counter(stack.name for stacks in groups for stack in stacks)
    clashing = {name for name, n in counts.items() if n > 1}
    for label, stacks in zip(path_labels(paths), groups, strict=True):
        for stack in stacks:
            if stack.name in clashing or _root(stack.name) in clashing:
                _relabel(stack, label)
    return [stack for stacks in groups for stack in stacks]


def _root(name: str) -> str:
    return name.split("/", 1)[0]


def _relabel(stack: StackTemplate, label: str) -> None:
    """Prefix the stack's name, construct paths and acknowledgment scopes with its app's
    label (acknowledgments in the assembly's validation report keep their own scopes)."""
    stack.name = f"{label}:{stack.name}"
    stack.paths = {logical: f"{label}:{path}" for logical, path in stack.paths.items()}
    stack.acknowledged = {f"{label}:{scope}": acks for scope, acks in stack.acknowledged.items()}
