"""Render a :class:`~cdk_iam_roles.catalog.model.Catalog` in one of the catalog formats.

Formats: ``md`` (Markdown for pull requests), ``json`` (``docs/catalog.schema.json``),
``mermaid`` (a flowchart), ``html`` (one self-contained page) and ``summary`` (a short
terminal summary).

Example:
    >>> from cdk_iam_roles.catalog.model import Catalog
    >>> render(Catalog(()), "summary").split(";")[0]
    'IAM role catalog: 0 roles in 0 stacks, 0 human-assumable'
"""

from __future__ import annotations

from collections.abc import Callable

from cdk_iam_roles.catalog._html import render_html
from cdk_iam_roles.catalog._json import render_json
from cdk_iam_roles.catalog._markdown import render_markdown
from cdk_iam_roles.catalog._mermaid import render_mermaid
from cdk_iam_roles.catalog._summary import render_summary
from cdk_iam_roles.catalog.model import Catalog

__all__ = [
    "FORMATS",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_mermaid",
    "render_summary",
]

FORMATS: dict[str, Callable[[Catalog], str]] = {
    "md": render_markdown,
    "json": render_json,
    "mermaid": render_mermaid,
    "html": render_html,
    "summary": render_summary,
}


def render(catalog: Catalog, format: str) -> str:
    """The catalog as text in ``format`` (one of :data:`FORMATS`).

    Args:
        catalog: the catalog.
        format: ``md``, ``json``, ``mermaid``, ``html`` or ``summary``.

    Raises:
        ValueError: an unknown format.
    """
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise ValueError(
            f"unknown catalog format {format!r}; use one of {', '.join(FORMATS)}"
        ) from None
    return renderer(catalog)
