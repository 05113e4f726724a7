"""Which combinations of wildcard patterns a string can satisfy, with one string for each.

Every string comparison the evaluator makes (``StringEquals``, ``StringLike``,
``StringEqualsIgnoreCase``, ``ArnLike``, the Action and Resource elements) is membership
in a regular language built from literal characters, ``?`` and ``*`` (some of which do
not cross a ``:``). :func:`signatures` runs the product of those automata breadth-first
and returns, for every combination of memberships that some string realizes (its
*signature*), the shortest such string. The set of signatures is exact: a combination
is listed if and only if some string has it, which is what makes "no new access" a
proof rather than a sample.

Example:
    >>> found = signatures([glob("s3:get*"), glob("s3:*object"), literal("s3:getobject")])
    >>> sorted(sig for sig in found)[-1]
    (True, True, True)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from cdk_iam_roles.analysis._patterns import LITERAL_QUESTION, LITERAL_STAR

# Token kinds: "c" a literal character, "i" a letter in either case, "?" any character,
# "n" any character but ":", "d" an ASCII digit, "*" any run, "s" any run without ":".
Token = tuple[str, str]

MAX_STATES = 20000
"""States of one product automaton before the engine gives up (the verdict is unknown)."""

_FRESH = "xqzjkvwyb-_.0123456789aeioumnprstlcdfgh"


class TooComplex(Exception):
    """The product of the automata grew past `MAX_STATES`."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A language: a token sequence, or the constant ``always``/``never``.

    Args:
        tokens: the pattern. Required.
        constant: ``True`` (every string), ``False`` (none) or ``None`` (use tokens).
            Default ``None``.

    Example:
        >>> glob("a*").matches("abc")
        True
    """

    tokens: tuple[Token, ...]
    constant: bool | None = None

    @property
    def is_literal(self) -> bool:
        """Whether the pattern is one exact string."""
        return self.constant is None and all(kind == "c" for kind, _ in self.tokens)

    @property
    def text(self) -> str:
        """The literal text (for literal patterns)."""
        return "".join(char for _, char in self.tokens)

    def matches(self, value: str) -> bool:
        """Whether ``value`` is in the language (used by tests and witness checks)."""
        if self.constant is not None:
            return self.constant
        states = _closure(self.tokens, frozenset({0}))
        for char in value:
            states = _step(self.tokens, states, char)
            if not states:
                return False
        return len(self.tokens) in states


ALWAYS = Pattern((), True)
NEVER = Pattern((), False)


def _plain(char: str) -> Token:
    if char == LITERAL_STAR:
        return ("c", "*")
    if char == LITERAL_QUESTION:
        return ("c", "?")
    return ("c", char)


def literal(text: str) -> Pattern:
    """The language holding exactly ``text`` (``StringEquals``, ``BinaryEquals``)."""
    return Pattern(tuple(_plain(char) for char in text))


def literal_ignore_case(text: str) -> Pattern | None:
    """``text`` in any letter case; ``None`` when it has non-ASCII letters (not modelled).

    ``StringEqualsIgnoreCase`` compares case-folded strings; for ASCII that is "the same
    letters in either case".
    """
    tokens: list[Token] = []
    for char in text:
        if not char.isascii():
            return None
        tokens.append(("i", char.lower()) if char.isalpha() else _plain(char))
    return Pattern(tuple(tokens))


def _body(text: str, star: str, one: str) -> list[Token]:
    tokens: list[Token] = []
    for char in text:
        if char == "*":
            tokens.append((star, ""))
        elif char == "?":
            tokens.append((one, ""))
        else:
            tokens.append(_plain(char))
    return tokens


def glob(text: str) -> Pattern:
    """``StringLike``: ``*`` any run of characters, ``?`` one character."""
    if text == "*":
        return ALWAYS
    return Pattern(tuple(_body(text, "*", "?")))


def arn_glob(text: str) -> Pattern:
    """``ArnLike``/``ArnEquals``: wildcards stay within each of the first five fields.

    Mirrors :func:`cdk_iam_roles.analysis._patterns.arn_glob`.
    """
    if text == "*":
        return ALWAYS
    fields = text.split(":", 5)
    if len(fields) != 6:
        return NEVER
    if "*" not in text and "?" not in text:
        return literal(text)
    tokens: list[Token] = []
    for index, field in enumerate(fields):
        if index:
            tokens.append(("c", ":"))
        tokens.extend(_body(field, "s", "n") if index < 5 else _body(field, "*", "?"))
    return Pattern(tuple(tokens))


def resource_glob(text: str) -> Pattern:
    """The Resource element's matching; mirrors ``_patterns.resource_glob``."""
    if text == "*":
        return ALWAYS
    if "*" not in text and "?" not in text:
        return literal(text)
    tokens: list[Token] = []
    for index, segment in enumerate(text.split(":")):
        if index:
            tokens.append(("c", ":"))
        if index >= 5:
            tokens.extend(_body(segment, "*", "?"))
        elif segment.endswith("*"):
            tokens.extend(_body(segment[:-1], "s", "n"))
            tokens.append(("*", ""))
        else:
            tokens.extend(_body(segment, "s", "n"))
    return Pattern(tuple(tokens))


def digits(count: int) -> Pattern:
    """Exactly ``count`` ASCII digits (an account ID)."""
    return Pattern(tuple(("d", "") for _ in range(count)))


def _closure(tokens: tuple[Token, ...], states: frozenset[int]) -> frozenset[int]:
    result = set(states)
    for state in states:
        position = state
        while position < len(tokens) and tokens[position][0] in "*s":
            position += 1
            result.add(position)
    return frozenset(result)


def _step(tokens: tuple[Token, ...], states: frozenset[int], char: str) -> frozenset[int]:
    nxt: set[int] = set()
    for state in states:
        if state >= len(tokens):
            continue
        kind, want = tokens[state]
        if kind == "c":
            if char == want:
                nxt.add(state + 1)
        elif kind == "i":
            if char.lower() == want:
                nxt.add(state + 1)
        elif kind == "?":
            nxt.add(state + 1)
        elif kind == "n":
            if char != ":":
                nxt.add(state + 1)
        elif kind == "d":
            if "0" <= char <= "9":
                nxt.add(state + 1)
        elif kind == "*" or char != ":":
            nxt.add(state)
    return _closure(tokens, frozenset(nxt)) if nxt else frozenset()


def _alphabet(patterns: Sequence[Pattern]) -> list[str]:
    chars: set[str] = {":"}
    folded: set[str] = set()
    has_digit_class = False
    for pattern in patterns:
        for kind, char in pattern.tokens:
            if kind == "c":
                chars.add(char)
            elif kind == "i":
                chars.add(char)
                chars.add(char.upper())
                folded.add(char)
            elif kind == "d":
                has_digit_class = True
    # One character that no pattern names stands for every other character; all such
    # characters behave alike in every automaton.
    for candidate in _FRESH:
        if candidate not in chars and candidate.lower() not in folded and candidate != ":":
            chars.add(candidate)
            break
    if has_digit_class:
        for digit in "0123456789":
            if digit not in chars:
                chars.add(digit)
                break
    # Letters and digits first: the breadth-first search then finds readable witnesses.
    return sorted(chars, key=lambda c: (not c.isalnum(), c))


def _trie(texts: Sequence[str]) -> tuple[list[dict[str, int]], list[list[int]]]:
    children: list[dict[str, int]] = [{}]
    terminal: list[list[int]] = [[]]
    for number, text in enumerate(texts):
        node = 0
        for char in text:
            nxt = children[node].get(char)
            if nxt is None:
                nxt = len(children)
                children[node][char] = nxt
                children.append({})
                terminal.append([])
            node = nxt
        terminal[node].append(number)
    return children, terminal


def signatures(
    patterns: Sequence[Pattern],
    *,
    required: Sequence[Pattern] = (),
    preferred: Sequence[Pattern] = (),
) -> dict[tuple[bool, ...], str]:
    """Every membership combination over ``patterns`` some string realizes, with a witness.

    Literal patterns (exact strings) are followed through one shared trie, so a policy
    listing a hundred ARNs costs a hundred trie branches, not a hundred automata.

    Args:
        patterns: the languages. Required.
        required: languages every string considered must belong to (a shape, such as
            "an ARN"). Default: none.
        preferred: languages a witness should belong to when it can (readability only:
            they never change which signatures are found). Default: none.

    Raises:
        TooComplex: the product automaton has more than `MAX_STATES` states.

    Example:
        >>> signatures([literal("a")])
        {(False,): '', (True,): 'a'}
    """
    literal_slots = [i for i, p in enumerate(patterns) if p.is_literal]
    literal_set = set(literal_slots)
    automata = [p for i, p in enumerate(patterns) if i not in literal_set and p.constant is None]
    automata += [p for p in (*required, *preferred) if p.constant is None]
    slot_of = {id(p): i for i, p in enumerate(automata)}
    children, terminal = _trie([patterns[i].text for i in literal_slots])
    alphabet = _alphabet([*automata, *(patterns[i] for i in literal_slots)])
    start = (tuple(_closure(p.tokens, frozenset({0})) for p in automata), 0)
    seen: dict[tuple[tuple[frozenset[int], ...], int], str] = {start: ""}
    queue: deque[tuple[tuple[frozenset[int], ...], int]] = deque([start])
    best: dict[tuple[bool, ...], tuple[int, str]] = {}

    def accepts(states: tuple[frozenset[int], ...], pattern: Pattern) -> bool:
        if pattern.constant is not None:
            return pattern.constant
        return len(pattern.tokens) in states[slot_of[id(pattern)]]

    while queue:
        state = queue.popleft()
        states, node = state
        text = seen[state]
        if all(accepts(states, p) for p in required):
            equal = set(terminal[node]) if node >= 0 else set()
            signature = tuple(
                (literal_slots.index(i) in equal) if i in literal_set else accepts(states, p)
                for i, p in enumerate(patterns)
            )
            score = sum(accepts(states, p) for p in preferred)
            known = best.get(signature)
            if known is None or score > known[0]:
                best[signature] = (score, text)
        for char in alphabet:
            nxt_states = tuple(
                _step(p.tokens, s, char) for p, s in zip(automata, states, strict=True)
            )
            nxt_node = children[node].get(char, -1) if node >= 0 else -1
            nxt = (nxt_states, nxt_node)
            if nxt not in seen:
                if len(seen) >= MAX_STATES:
                    raise TooComplex(f"more than {MAX_STATES} automaton states")
                seen[nxt] = text + char
                queue.append(nxt)
    return {signature: text for signature, (_, text) in best.items()}


def prettify(
    found: dict[tuple[bool, ...], str],
    patterns: Sequence[Pattern],
    nicer: Sequence[str],
    *,
    required: Sequence[Pattern] = (),
) -> dict[tuple[bool, ...], str]:
    """Swap each witness for a more readable string of the same signature, when one fits.

    Args:
        found: the result of :func:`signatures`. Required.
        patterns: the patterns it was computed for. Required.
        nicer: readable strings to try, best first. Required.
        required: the required languages. Default: none.

    Example:
        >>> pats = [glob("s3:*")]
        >>> prettify(signatures(pats), pats, ["ec2:RunInstances"])[(False,)]
        'ec2:RunInstances'
    """
    result = dict(found)
    readable: set[tuple[bool, ...]] = set()
    for text in nicer:
        if not all(p.matches(text) for p in required):
            continue
        signature = tuple(p.matches(text) for p in patterns)
        if signature in result and signature not in readable and not _readable(result[signature]):
            result[signature] = text
            readable.add(signature)
    return result


def _readable(text: str) -> bool:
    """Whether a witness already reads like a real value (an ARN or service:Action)."""
    if not text or text[-1] in "/:-_.":
        return False
    if text.startswith("arn:"):
        fields = text.split(":", 5)
        return len(fields) == 6 and all(fields[i] for i in (1, 2, 5))
    service, _, action = text.partition(":")
    return len(service) > 1 and len(action) > 2 and action[0].isupper()
