"""Evaluation frameworks (评价框架) as data: YAML packs and their validating loader.

Why: weights, scoring methods, parameters, grade bands, computed rates and rule sets differ
by locality and year; keeping them as data lets a bureau change them without code. One file
per framework (``dept-overall.yaml``, ``project-self.yaml``, ``dept-2013.yaml``); shared
``grades.yaml``, ``params.yaml``, ``rates.yaml``; rule sets in ``rules/<name>.yaml``.

Example::

    from evaltool.frameworks import load_framework
    fw = load_framework("dept-overall")
    [(lv.name, lv.weight) for lv in fw.levels]
"""

from evaltool.frameworks.loader import (
    framework_from_data,
    list_frameworks,
    load_framework,
    load_rule_set,
)
from evaltool.frameworks.schema import (
    KINDS,
    Framework,
    FrameworkError,
    GradeSpec,
    IndicatorSpec,
    LevelSpec,
    MethodSpec,
    ParamSpec,
    RateSpec,
    RuleSpec,
    parse_map,
    parse_params,
)

__all__ = [
    "KINDS", "Framework", "FrameworkError", "GradeSpec", "IndicatorSpec", "LevelSpec", "MethodSpec",
    "ParamSpec", "RateSpec", "RuleSpec", "framework_from_data", "list_frameworks", "load_framework",
    "load_rule_set",
    "parse_map", "parse_params",
]
