"""Read template and manifest files defensively, and YAML as CloudFormation reads it.

The command line reads files it did not write: a template from a pull request, a
``cdk.out`` from someone's build. Every file goes through :func:`read_text` and every
template text through :func:`parse_template_text`, so that a hostile file ends in a
one-line :class:`~cdk_iam_roles.errors.InputError` within seconds, never in a hang, a
traceback or a read outside the folder the user named:

* Only regular files are opened. A FIFO (opening one blocks until a writer comes), a
  device (``/dev/zero`` never ends), a socket or a folder is named as what it is; so is
  a symlink loop.
* A file larger than :data:`MAX_FILE_BYTES` is refused before it is read.
* Text must be UTF-8, as JSON requires; a UTF-16 file or binary data is named as such.
* JSON or YAML nested deeper than :data:`MAX_DEPTH` is refused (also a template handed
  in as a mapping: :func:`check_nesting`).
* YAML is read as YAML 1.1 with CloudFormation's exceptions
  (:mod:`cdk_iam_roles.cfn_yaml`: short-form tags, unquoted dates and numbers, tags
  refused). CloudFormation refuses aliases; tools that expand them first exist, so
  aliases are read, but they may add at most :data:`MAX_ALIAS_VALUES` values (a 1 KB
  "billion laughs" file is refused at once) and never refer to themselves. A YAML file
  may hold at most :data:`MAX_YAML_VALUES` values.
* A key written twice in one mapping (JSON or YAML) is refused.
* :func:`resolve_inside` refuses a path from a manifest that leaves the assembly
  folder (``../``, an absolute path, a symlink pointing out).

Example:
    >>> parse_template_text("Version: 2012-10-17\\nKey: !Ref Name", "t.yaml")
    {'Version': '2012-10-17', 'Key': {'Ref': 'Name'}}
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any, Final

from cdk_iam_roles.errors import InputError

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_STACKS",
    "MAX_TEMPLATE_VALUES",
    "MAX_YAML_VALUES",
    "DuplicateKeyError",
    "check_nesting",
    "check_template_shape",
    "file_kind",
    "json_object",
    "parse_template_file",
    "parse_template_text",
    "read_json_file",
    "read_text",
    "resolve_inside",
]

# CloudFormation takes a template body of at most 51,200 bytes in a request and 1 MB
# from S3: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
# Eight times the larger one still reads every template that CloudFormation would
# deploy (and a synthesized one that outgrew the limit), and bounds the work.
MAX_FILE_BYTES: Final = 8 * 1024 * 1024

# Measured: templates synthesized by the CDK (nested stacks, stages, the examples app)
# nest at most 14 levels; hand-written ones with Fn::If chains rarely pass 30.
MAX_DEPTH: Final = 128

# Objects and lists in one template. A template of MAX_FILE_BYTES written by the CDK
# holds about 150,000 of them (55 bytes each, measured on benchmarks/bench_check.py).
MAX_TEMPLATE_VALUES: Final = 2_000_000

# PyYAML builds each value in Python (about 10 µs a value with libyaml, 60 µs
# without): a YAML template at CloudFormation's 1 MB limit holds about 50,000.
MAX_YAML_VALUES: Final = 200_000

# What aliases may add to a YAML document in total (CloudFormation itself refuses
# aliases: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
MAX_ALIAS_VALUES: Final = 10_000

# Stages in stages, or nested stacks in nested stacks: the CDK apps we measured nest
# three levels at most.
MAX_NESTING: Final = 32

# Stacks in one cloud assembly. CloudFormation's default quota is 2,000 stacks in an
# account and Region (cloudformation-limits.html above); nested stacks that name one
# template many times could otherwise multiply without end.
MAX_STACKS: Final = 10_000

_KINDS: Final = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def file_kind(path: Path) -> str | None:
    """What is at ``path`` (symlinks followed): ``"file"``, ``"folder"``, ``"FIFO
    (named pipe)"``, a device or ``"socket"``; ``None`` when nothing is there.

    Raises:
        InputError: a symlink loop, a path through a file, or no permission to look.

    Example:
        >>> file_kind(Path("/dev/null"))
        'character device'
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except ValueError:  # a NUL character in the path
        raise InputError(f"{str(path)!r}: a path cannot hold a NUL character") from None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            return None
        raise InputError(f"{path}: {_os_problem(exc)}") from None
    if stat.S_ISREG(mode):
        return "file"
    return next((name for test, name in _KINDS if test(mode)), "special file")


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symlink loop (too many levels of symbolic links)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read it: permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return f"cannot read it ({exc.strerror or exc.__class__.__name__})"


def read_text(path: Path, *, what: str = "a template file") -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_FILE_BYTES`.

    Nothing but a regular file is opened (the kind is checked before ``open`` and
    again on the open descriptor), so a FIFO never blocks and a device is never read.

    Args:
        path: the file. Required.
        what: what the file should be, for messages. Default ``"a template file"``.

    Raises:
        InputError: missing, not a regular file, too large, unreadable or not UTF-8.

    Example:
        >>> read_text(Path("/dev/zero"))
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: /dev/zero: is a character device, not a template file
    """
    kind = file_kind(path)
    if kind is None:
        raise InputError(f"{path}: no such file")
    if kind != "file":
        raise InputError(f"{path}: is a {kind}, not {what}")
    flags = os.O_RDONLY
    for extra in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC"):  # not all exist on Windows
        flags |= getattr(os, extra, 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(f"{path}: {_os_problem(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped since we looked
            raise InputError(f"{path}: is no longer a regular file, not {what}")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(_too_large(path, info.st_size))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # a file that grows, or reports no size
                raise InputError(_too_large(path, size))
            chunks.append(chunk)
    except OSError as exc:
        raise InputError(f"{path}: {_os_problem(exc)}") from None
    finally:
        os.close(fd)
    return _decode(b"".join(chunks), path)


def _too_large(path: Path, size: int) -> str:
    return (
        f"{path}: {size:,} bytes, more than the {MAX_FILE_BYTES:,} bytes a template or "
        "manifest may have here (CloudFormation's own limit is 1 MB)"
    )


_UTF16_32_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte order mark, as some editors write
    elif data.startswith(_UTF16_32_BOMS):
        raise InputError(f"{path}: is UTF-16 or UTF-32 text; templates must be UTF-8")
    if b"\x00" in data:
        raise InputError(f"{path}: holds NUL bytes (binary data, or text that is not UTF-8)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def parse_template_file(file: Path) -> Any:
    """The parsed content of a template file (:func:`read_text`, then
    :func:`parse_template_text`); an empty file is refused.

    Raises:
        InputError: see :func:`read_text` and :func:`parse_template_text`.

    Example:
        >>> parse_template_file(Path("/dev/null"))
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: /dev/null: is a character device, not a template file
    """
    text = read_text(file)
    if not text.strip():
        raise InputError(f"{file}: is empty")
    return parse_template_text(text, str(file))


def read_json_file(file: Path, what: str) -> Any:
    """The parsed content of a JSON file (a manifest), within this module's limits.

    Raises:
        InputError: see :func:`read_text`; or not JSON, or nested too deeply.

    Example:
        >>> read_json_file(Path("/nonexistent/manifest.json"), "a manifest")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: /nonexistent/manifest.json: no such file
    """
    try:
        return json.loads(read_text(file, what=what))
    except RecursionError:
        raise InputError(f"{file}: nested deeper than {MAX_DEPTH} levels") from None
    except InputError:
        raise
    except ValueError:
        raise InputError(f"{file}: not valid JSON") from None


def resolve_inside(root: Path, folder: Path, name: str, *, where: str, field: str) -> Path:
    """``folder / name`` with symlinks resolved, refused unless it stays under ``root``.

    Args:
        root: the assembly folder the user named, resolved. Required.
        folder: the folder ``name`` is relative to. Required.
        name: the path as the manifest writes it. Required.
        where: the manifest, for messages. Required.
        field: the manifest field, for messages. Required.

    Raises:
        InputError: an absolute path, a path that leaves ``root``, or a symlink loop.

    Example:
        >>> resolve_inside(Path("/a"), Path("/a/b"), "../../etc", where="m", field="f")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: m: f '../../etc' leads outside the cloud assembly folder /a
    """
    if "\x00" in name:
        raise InputError(f"{where}: {field} {name!r} holds a NUL character")
    if PurePath(name).is_absolute():
        raise InputError(
            f"{where}: {field} {name!r} is an absolute path; a cloud assembly names its "
            "files relative to its own folder"
        )
    try:
        resolved = (folder / name).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        raise InputError(f"{where}: {field} {name!r} is a symlink loop") from None
    if resolved != root and not resolved.is_relative_to(root):
        raise InputError(
            f"{where}: {field} {name!r} leads outside the cloud assembly folder {root}"
        )
    return resolved


def check_nesting(value: object, where: str) -> None:
    """Refuse a parsed template nested deeper than :data:`MAX_DEPTH` or holding more than
    :data:`MAX_TEMPLATE_VALUES` objects and lists (a cyclic mapping is infinitely deep).

    Iterative, so that it cannot itself exhaust the stack.

    Example:
        >>> deep: list[object] = []
        >>> node = deep
        >>> for _ in range(MAX_DEPTH):
        ...     node.append([]); node = node[0]
        >>> check_nesting({"Resources": deep}, "t.json")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: t.json: nested deeper than 128 levels
    """
    pending: list[tuple[object, int]] = [(value, 1)]
    pop, push = pending.pop, pending.append
    count = 0
    while pending:
        node, depth = pop()
        count += 1
        if depth > MAX_DEPTH:
            raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels")
        if count > MAX_TEMPLATE_VALUES:
            raise InputError(f"{where}: holds more than {MAX_TEMPLATE_VALUES:,} objects and lists")
        # Exact types first: this runs over every value of every template read.
        kind = type(node)
        if kind is list:
            children: Any = node
        elif kind is dict or isinstance(node, Mapping):
            children = node.values()  # type: ignore[attr-defined]
        else:
            children = node
        for child in children:
            kind = type(child)
            if (
                kind is dict
                or kind is list
                or (kind not in _SCALARS and isinstance(child, (Mapping, list)))
            ):
                push((child, depth + 1))


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _kind_of(value: object) -> str:
    """A value's JSON kind, for messages (``a number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    reason = getattr(value, "reason", None)  # an unquoted YAML scalar kept as written
    return reason if isinstance(reason, str) else f"a {type(value).__name__}"


def check_template_shape(template: object, where: str) -> None:
    """Refuse what no reader can use: no ``Resources`` mapping, a logical ID that is not
    a string, or anything nested deeper than :data:`MAX_DEPTH` (the resolver and the
    rules recurse).

    Example:
        >>> check_template_shape({"Resources": 42}, "t.json")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: t.json: ... (no Resources mapping; Resources is a number)
    """
    if not isinstance(template, Mapping):
        raise InputError(f"{where}: not a CloudFormation template (the top level is not a mapping)")
    check_nesting(template, where)
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        found = "" if resources is None else f"; Resources is {_kind_of(resources)}"
        raise InputError(f"{where}: not a CloudFormation template (no Resources mapping{found})")
    for logical_id in resources:
        if not isinstance(logical_id, str):
            raise InputError(f"{where}: the logical ID {logical_id!r} is not a string")


def parse_template_text(text: str, where: str) -> Any:
    """Parse a template's text: JSON, else YAML as CloudFormation reads it
    (:func:`cdk_iam_roles.cfn_yaml.parse_yaml_text`). A key written twice in one JSON
    object is refused, as in YAML: a JSON reader would keep the last silently.

    Args:
        text: the file's text. Required.
        where: the file, for messages. Required.

    Raises:
        InputError: neither JSON nor YAML, or past one of this module's limits.

    Example:
        >>> parse_template_text('{"Resources": {}}', "t.json")
        {'Resources': {}}
        >>> parse_template_text("a: !!set {k}", "t.yaml")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: t.yaml: uses the YAML tag !!set, which ... (line 1)
        >>> parse_template_text('{"Resources": {}, "Resources": 1}', "t.json")
        Traceback (most recent call last):
        ...
        cdk_iam_roles.errors.InputError: t.json: the key 'Resources' appears twice in one ...
    """
    try:
        return json.loads(text, object_pairs_hook=json_object)
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    except DuplicateKeyError as exc:
        raise InputError(f"{where}: {exc}") from None
    except json.JSONDecodeError:
        pass  # YAML, then
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise InputError(f"{where}: holds a number with too many digits") from None
    from cdk_iam_roles.cfn_yaml import parse_yaml_text  # it imports this module

    try:
        return parse_yaml_text(text, where)
    except InputError:
        raise
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise InputError(f"{where}: holds a number with too many digits") from None


class DuplicateKeyError(ValueError):
    """A key written twice in one JSON object (see :func:`json_object`).

    Args:
        key: the key. Required.
    """

    def __init__(self, key: str) -> None:
        super().__init__(
            f"the key {key!r} appears twice in one JSON object; CloudFormation's behaviour "
            "is then undefined and cfn-lint refuses it: keep one"
        )
        self.key = key


def json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The ``object_pairs_hook`` of every JSON reader here: a dict, or an error naming
    a key written twice. CloudFormation's behaviour with duplicate keys is undefined
    (template-formats.html, on duplicate sections) and cfn-lint refuses them.

    Raises:
        DuplicateKeyError: a key appears twice.

    Example:
        >>> json_object([("a", 1), ("b", 2)])
        {'a': 1, 'b': 2}
    """
    mapping = dict(pairs)
    if len(mapping) == len(pairs):
        return mapping
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            break
        seen.add(key)
    raise DuplicateKeyError(key)
