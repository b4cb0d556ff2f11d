"""Deliberate differences between this evaluator and LibreOffice 7.4 (found by the parity test).

Why: the parity suite (tests/test_formula_lo_parity.py) checks ~600 formulas against
LibreOffice. Where LibreOffice itself disagrees with Excel — the program the bureau's staff
actually use (WPS follows Excel) — we follow Excel. Each case below is asserted to still
differ in the parity test, so this list cannot silently go stale.
"""

from __future__ import annotations

__all__ = ["DIFFERENCES"]

# formula (over the parity-test data) -> why we differ from LibreOffice
DIFFERENCES: dict[str, str] = {
    "#N/A+1/0": "two error operands: Excel returns the left error (#N/A); LibreOffice the right one",
    "0^0": "Excel: #NUM!; LibreOffice: 1",
    "0^-1": "Excel: #DIV/0!; LibreOffice: #NUM!",
    "(-8)^(1/3)": "Excel: #NUM! for a negative base with a fractional exponent; LibreOffice: -2",
    '"a"<TRUE': "LibreOffice has no boolean type (TRUE is 1, so numbers < text); Excel: text < TRUE",
    "E2>=65": "same: a FALSE cell is 0 in LibreOffice; in Excel booleans sort after numbers",
    'TRUE&""': 'Excel: "TRUE"; LibreOffice: "1"',
    'CONCATENATE("a",TRUE)': 'Excel: "aTRUE"; LibreOffice: "a1"',
    "SUM(E1:E10)": "booleans in ranges: Excel ignores them; LibreOffice counts TRUE as 1",
    'SUM(A1:A6,"5",TRUE)': 'numeric text as a direct argument: Excel adds it; LibreOffice: #VALUE!',
    'MIN("3",5)': 'same for MIN/MAX/MEDIAN/AVERAGE: Excel coerces "3"; LibreOffice: #VALUE!',
    '1E+20&""': 'number to text: Excel "1E+20" (two-digit exponent); LibreOffice "1E+020"',
    '1234567890123456&""': 'Excel keeps 15 significant digits ("1.23456789012346E+15"); LibreOffice prints 16',
    "RANK(25,A1:A10)": "value not in the list: Excel #N/A; LibreOffice ranks it anyway",
    "VLOOKUP(20,A1:D3,5,FALSE)": "column index past the table: Excel #REF!; LibreOffice #VALUE!",
    "INDEX(A1:D3,4,1)": "row index past the range: Excel #REF!; LibreOffice #VALUE!",
}
# Not differences but limits of a cell-less evaluator (documented, not in the parity list):
# - a multi-cell range used where one value is expected is #VALUE! (spreadsheets would use
#   implicit intersection with the formula's own row/column);
# - a formula whose result is a blank reference evaluates to None (a cell shows 0);
# - TEXT supports only 0 / 0.00 / #,##0.00 / 0.0% style formats (others: #VALUE!);
# - SUMIF with a sum_range smaller than the criteria range is not extended as Excel does.
