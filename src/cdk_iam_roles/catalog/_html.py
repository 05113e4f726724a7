"""The catalog as one self-contained HTML page.

Inline style and script only: no external URL, nothing fetched. Every value from a
template goes through :func:`escape` (:func:`html.escape` of the value on one printable
line). The page shows what needs attention first (errors, roles anyone can assume), then
every role as a card, most risky first, with risk badges and a filter box; it reads at
phone width and prints cleanly (cards are not split).
"""

from __future__ import annotations

import html

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog._text import (
    environment_line,
    findings_line,
    permission_lines,
    plural,
    totals_line,
    unknown_callers_words,
    who_lines,
)
from cdk_iam_roles.catalog.model import Catalog, RoleEntry
from cdk_iam_roles.catalog.risk import LEVELS, Risk, by_risk
from cdk_iam_roles.rules.model import Severity

__all__ = ["render_html"]


def escape(text: str) -> str:
    """``text`` as HTML text or attribute value: markup characters and both quotes
    escaped, and on one line with invisible characters made visible (a U+202E in a role
    name cannot make the page read as something else)."""
    return html.escape(one_line(text), quote=True)


_CSS = """
:root{--fg:#1b1f23;--muted:#57606a;--line:#d0d7de;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;
max-width:1400px;padding:1.5rem;color:var(--fg)}
h1{font-size:1.6rem;margin:.2rem 0}h2{border-bottom:1px solid var(--line);
padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88em;
overflow-wrap:anywhere}
.muted{color:var(--muted)}.error{color:#cf222e;font-weight:600}
.warning{color:#9a6700;font-weight:600}.info{color:var(--muted)}
.bar{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:1rem 0}
.bar input{flex:1 1 16rem;min-width:0;font:inherit;padding:.45rem .6rem;
border:1px solid var(--line);border-radius:6px}
.badge{display:inline-block;border-radius:999px;padding:0 .55rem;font-size:.8rem;
font-weight:600;border:1px solid currentColor;margin:.1rem .25rem .1rem 0;white-space:nowrap}
.critical{color:#a40e26;background:#ffebe9}.high{color:#953800;background:#fff1e5}
.elevated{color:#6639ba;background:#fbefff}.normal{color:#1a7f37;background:#dafbe1}
.card{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;margin:.8rem 0;
break-inside:avoid;overflow-wrap:anywhere}
.card.critical-card{border-left:6px solid #cf222e}.card.high-card{border-left:6px solid #bc4c00}
.card.elevated-card{border-left:6px solid #8250df}
.card header{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:baseline}
dl{display:grid;grid-template-columns:10rem minmax(0,1fr);gap:.25rem 1rem;margin:.6rem 0 0}
dt{color:var(--muted)}dd{margin:0;min-width:0}
ul.flat{margin:0;padding-left:1.1rem}
.attention{border:1px solid #ff8182;background:#fff5f5;border-radius:8px;padding:.6rem 1rem}
nav ul{columns:2 18rem;padding-left:1.1rem}
@media (max-width:640px){body{padding:.8rem}dl{grid-template-columns:minmax(0,1fr)}
dt{font-weight:600;margin-top:.3rem}nav ul{columns:1}}
@media print{body{max-width:none;padding:0;font-size:11px}.bar{display:none}
.card{border-color:#999}a{color:inherit;text-decoration:none}}
"""

# Filters the role cards by the text typed; without script every card is shown.
_SCRIPT = """
(function(){
  var box=document.getElementById('filter');
  var cards=Array.prototype.slice.call(document.querySelectorAll('.card'));
  var count=document.getElementById('shown');
  function apply(){
    var words=box.value.toLowerCase().split(/\\s+/).filter(Boolean);var shown=0;
    cards.forEach(function(card){
      var text=card.getAttribute('data-search')||'';
      var hit=words.every(function(w){return text.indexOf(w)>=0;});
      card.hidden=!hit;if(hit){shown++;}
    });
    count.textContent=shown+' of '+cards.length+' roles shown';
  }
  box.addEventListener('input',apply);apply();
})();
"""


def _list(lines: list[str]) -> str:
    if len(lines) == 1:
        return escape(lines[0])
    return '<ul class="flat">' + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def _findings(role: RoleEntry) -> str:
    if not role.findings:
        return escape(findings_line(role))
    items = "".join(
        f'<li><span class="{escape(str(f.severity))}">{escape(f.rule_id)}</span> '
        f"{escape(f.message)}</li>"
        for f in role.findings
    )
    return f'<ul class="flat">{items}</ul>'


def _card(role: RoleEntry, risk: Risk) -> str:
    badges = [f'<span class="badge {risk.level}">{risk.level}</span>']
    if role.human_assumable:
        badges.append('<span class="badge elevated">human-assumable</span>')
    if role.callers_unknown:
        badges.append('<span class="badge high">callers unknown offline</span>')
    badges.append(f'<span class="badge normal">{escape(role.pattern)}</span>')
    conditions = [c.words() for c in role.conditions] or ["none"]
    search = " ".join(
        [role.label, role.path, role.stack, role.pattern, risk.level, *risk.reasons]
        + (["callers unknown offline"] if role.callers_unknown else [])
        + [a.words for a in role.assumers]
        + [f.rule_id for f in role.findings]
    ).lower()
    rows = [
        ("Why this risk", _list(list(risk.reasons)) if risk.reasons else "nothing stands out"),
        ("Who can assume it", _list(who_lines(role))),
        ("Conditions", _list(conditions)),
        ("Max session", escape(role.max_session_display)),
        ("Permissions", _list(permission_lines(role.permissions))),
        ("Findings", _findings(role)),
    ]
    where = [f'<code class="muted">{escape(role.path)}</code>']
    if role.arn:
        where.append(f"<code>{escape(role.arn)}</code>")
    if role.description:
        where.append(f'<span class="muted">{escape(role.description)}</span>')
    return (
        f'<article class="card {risk.level}-card" id="{escape(role.stack + "/" + role.logical_id)}"'
        f' data-search="{escape(search)}"><header><h3>{escape(role.label)}</h3>'
        + "".join(badges)
        + "</header><div>"
        + "<br>".join(where)
        + "</div><dl>"
        + "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
        + "</dl></article>"
    )


def _attention(catalog: Catalog, rated: list[tuple[RoleEntry, Risk]]) -> list[str]:
    errors = [f for f in catalog.findings if f.severity is Severity.ERROR]
    open_roles = [r for r, _ in rated if any(a.kind == "anyone" for a in r.assumers)]
    not_read = catalog.not_read
    unknown = [r for r, _ in rated if r.callers_unknown]
    if not errors and not open_roles and not not_read and not unknown:
        return []
    parts = ['<section class="attention"><h2 id="attention">Needs attention</h2>']
    if open_roles:
        parts.append("<p><strong>Anyone can assume:</strong></p><ul>")
        parts.extend(
            f'<li><a href="#{escape(r.stack + "/" + r.logical_id)}">{escape(r.label)}</a> '
            f'<span class="muted">({escape(r.stack)})</span></li>'
            for r in open_roles
        )
        parts.append("</ul>")
    if unknown:
        parts.append("<p><strong>Who can assume is unknown offline</strong> (people may):</p><ul>")
        parts.extend(
            f'<li><a href="#{escape(r.stack + "/" + r.logical_id)}">{escape(r.label)}</a> '
            f'<span class="muted">({escape(r.stack)}): {escape(unknown_callers_words(r))}'
            "</span></li>"
            for r in unknown
        )
        parts.append("</ul>")
    if errors:
        parts.append(f"<p><strong>Errors ({len(errors)}):</strong></p><ul>")
        parts.extend(
            f'<li><span class="error">{escape(f.rule_id)}</span> <code>{escape(f.path)}</code>: '
            f"{escape(f.message)}</li>"
            for f in errors
        )
        parts.append("</ul>")
    if not_read:
        parts.append(
            "<p><strong>Not read</strong> (the roles these parts deploy are not in this "
            "catalog):</p><ul>"
        )
        parts.extend(
            f'<li><span class="warning">{escape(f.rule_id)}</span> <code>{escape(f.path)}</code>: '
            f"{escape(f.message)}</li>"
            for f in not_read
        )
        parts.append("</ul>")
    parts.append("</section>")
    return parts


def render_html(catalog: Catalog, *, title: str = "IAM role catalog") -> str:
    """The catalog as one self-contained HTML page (UTF-8, nothing fetched).

    Errors and roles anyone can assume come first, then every role as a card, most
    risky first (see :mod:`cdk_iam_roles.catalog.risk`), with a filter box (inline
    script; without it every role is shown). Readable from phone width (420 px) to wide
    screens, and printable.

    Args:
        catalog: the catalog to show.
        title: the page title (default ``IAM role catalog``).
    """
    rated = by_risk(catalog.roles)
    counts = {level: sum(1 for _, r in rated if r.level == level) for level in LEVELS}
    legend = " ".join(
        f'<span class="badge {level}">{counts[level]} {level}</span>' for level in LEVELS
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(totals_line(catalog))}.</p>",
        f"<p>{legend}</p>",
        *_attention(catalog, rated),
        '<div class="bar"><label for="filter">Filter</label>'
        '<input id="filter" type="search" placeholder="role, principal, rule ID, risk …">'
        '<span id="shown" class="muted"></span></div>',
        "<h2>Roles, most risky first</h2>",
    ]
    parts.extend(_card(role, risk) for role, risk in rated)
    parts.append("<nav><h2>Stacks</h2><ul>")
    for stack in catalog.stacks:
        env = environment_line(stack)
        patterns = ", ".join(f"{p} {len(roles)}" for p, roles in stack.by_pattern())
        counts_text = plural(len(stack.roles), "role") + (f": {patterns}" if patterns else "")
        parts.append(
            f"<li>{escape(stack.name)} "
            f'<span class="muted">({escape(env)}; {escape(counts_text)})</span></li>'
        )
    parts.append(f"</ul></nav><script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"
