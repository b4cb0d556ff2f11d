"""Framework specs as :mod:`evaltool.model` objects, placed at given sheet rows.

Why: the template writer writes exactly these objects, and the reader parses the same
objects back; the fingerprint is computed from model objects on both sides, so template-time
and read-time fingerprints agree by construction.

Example::

    fw = load_framework("dept-overall")
    inds = indicators_of(fw, first_row=5)   # Indicator(row=5, level3='执委领办项目数', ...)
"""

from __future__ import annotations

from evaltool.frameworks.schema import Framework, parse_params
from evaltool.messages import SEVERITY_OF_LABEL
from evaltool.model import STANDINGS, Grade, Indicator, Method, Param, Rule


def indicators_of(fw: Framework, first_row: int) -> tuple[Indicator, ...]:
    return tuple(
        Indicator(row=first_row + i, level1=s.level1, level2=s.level2, level3=s.name, kind=s.kind,
                  method=s.method, weight=s.weight, unit=s.unit, direction=s.direction,
                  target=s.target, actual=None, reason="", note=s.note, locked=True,
                  target_locked=s.target_approved)
        for i, s in enumerate(fw.indicators)
    )


def methods_of(fw: Framework, first_row: int) -> tuple[Method, ...]:
    return tuple(
        Method(row=first_row + i, code=m.code, name=m.name, kind=m.kind, params=parse_params(m.params_text),
               params_text=m.params_text, description=m.description, basis=m.basis,
               standing=STANDINGS.get(m.standing, m.standing))
        for i, m in enumerate(fw.methods)
    )


def rules_of(fw: Framework, first_row: int) -> tuple[Rule, ...]:
    return tuple(
        Rule(row=first_row + i, id=r.id, scope=r.scope, table=r.table, expression=r.expression,
             severity=SEVERITY_OF_LABEL[r.severity], message=r.message, tolerance=r.tolerance,
             explain_required=r.explain)
        for i, r in enumerate(fw.rules)
    )


def grades_of(fw: Framework, first_row: int) -> tuple[Grade, ...]:
    return tuple(
        Grade(row=first_row + i, name=g.name, lower=g.lower, upper=g.upper,
              upper_inclusive=g.upper_inclusive, aliases=g.aliases)
        for i, g in enumerate(fw.grades)
    )


def params_of(fw: Framework, first_row: int) -> tuple[Param, ...]:
    return tuple(Param(row=first_row + i, name=p.name, value=p.value, label=p.label)
                 for i, p in enumerate(fw.params))


def rate_formulas_of(fw: Framework) -> dict[str, str]:
    return {r.name: r.formula for r in fw.rates}
