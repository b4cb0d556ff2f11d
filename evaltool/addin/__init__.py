"""The Excel add-in that puts the 计算评分 button in the ribbon.

Why: Office blocks macros in e-mailed files, so the template stays a macro-free .xlsx and the
button lives in a locally installed add-in (reference/excel-ecosystem.md §0.2). The add-in is
built, not hand-authored: :mod:`evaltool.addin.build` copies xlwings' own ribbon add-in
template and replaces its ribbon XML; :mod:`evaltool.addin.evaltool_xl` is the Python module
its VBA imports (module name = add-in file name); :mod:`evaltool.addin.install` installs it
and writes its configuration.

Example::

    from evaltool.addin.build import build_addin
    build_addin("macros/evaltool_xl.xlam")
"""
