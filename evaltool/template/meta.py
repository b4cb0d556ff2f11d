"""The hidden ``_meta`` sheet: identity, creation time, fingerprint, signature (key in A, value in B).

Why: the reader recognises an evaltool workbook (``template_id``, ``template_version``) and
the intake checks that bureau-owned content is unchanged (``fingerprint``, optionally signed
with an HMAC by a ``signer`` hook returning ``(signature, key_id)``).

Example::

    write_meta(ctx, {"template_id": "evaltool/dept-overall", ...})
"""

from __future__ import annotations

from collections.abc import Mapping

from evaltool import contract as C
from evaltool.template.context import Ctx


def write_meta(ctx: Ctx, meta: Mapping[str, str]) -> None:
    ws = ctx.wb.add_worksheet(C.META)
    from evaltool.integrity import meta_entries  # locked cells as JSON: names what a filler changed
    rows = [(k, str(meta.get(k, ""))) for k in C.META_KEYS]
    rows += [(k, str(meta[k])) for k in C.META_OPTIONAL_KEYS if meta.get(k)]
    for r, (key, value) in enumerate(rows + meta_entries(ctx, meta)):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ctx.define("framework_id", C.META, f"B{C.META_KEYS.index('framework_id') + 1}")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    ws.protect(ctx.password or "")
    ws.hide()
