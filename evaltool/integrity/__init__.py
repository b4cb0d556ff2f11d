"""Integrity: signing keys and verification of locked content against the signed fingerprint.

Why: a returned workbook must carry the weights, methods, rules and grade bands the bureau
issued. ``keys`` holds the bureau's HMAC key; ``verify`` compares a workbook's locked cells
with the fingerprint and signature in its hidden ``_meta`` sheet and names every change.

Example::

    from evaltool.integrity import verify
    findings = verify(ev)        # ev: evaltool.model.Evaluation
"""

from __future__ import annotations

from evaltool.integrity.locked import *  # noqa: F403
from evaltool.integrity.locked import __all__  # noqa: F401
