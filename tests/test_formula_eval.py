"""Evaluator of evaltool.formula: spreadsheet semantics with hand-computed expectations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaltool.formula import (
    MemoryResolver,
    MemoryTable,
    Range,
    XLError,
    compile_formula,
    xl_round,
    xl_rounddown,
    xl_roundup,
)

DIV0, VALUE, NA, NAME, REF, NUM = (XLError(c) for c in ("#DIV/0!", "#VALUE!", "#N/A", "#NAME?", "#REF!", "#NUM!"))

SHEET = {
    # A: numbers with a blank (A4) and a text (A5); B: grades; C: numeric text etc.
    "A1": 10, "A2": 20, "A3": 30, "A5": "x", "A6": 40,
    "B1": "优", "B2": "良", "B3": "优", "B4": "差", "B5": "", "B6": "Apple",
    "C1": "3", "C2": True, "C3": Decimal("2.5"),
    "D1": 1, "D2": 2, "D3": 3, "D4": 4, "D5": 5, "D6": 6,
    "E1": "#", "E2": 0,
}
R = MemoryResolver(
    sheets={"数据": SHEET, "规则": {"B2": 0.1}},
    names={"budget_initial": 100, "rate": ("规则", "B2"), "grades": ("数据", "B1:B6")},
    tables={
        "Projects": MemoryTable(["名称", "全年执行数", "分值"], [["甲", 60, 5], ["乙", 39.996, 3], ["丙", None, 2]],
                                totals=["合计", 99.996, 10]),
    },
    table_name="Projects",
    row=1,
)


def ev(text: str) -> object:
    return compile_formula(text).evaluate(R)


@pytest.mark.parametrize(
    "text, expected",
    [
        # blanks
        ("A4", None), ("A4+1", 1.0), ('A4&"z"', "z"), ("A4=0", True), ('A4=""', True), ("A4=FALSE", True),
        ("-A4", 0.0), ("ISBLANK(A4)", True), ("ISBLANK(B5)", False), ("B5=A4", True),
        # text / number coercion and comparison
        ("C1+1", 4.0), ('"abc"+1', VALUE), ("A5*2", VALUE), ("C2+1", 2.0), ("C3*2", 5.0),
        ('1<"a"', True), ('"a"<TRUE', True), ('"3"=3', False), ('"ABC"="abc"', True), ('"a"<"B"', True),
        ("0.1+0.2=0.3", True), ("0.1+0.2-0.3", 0.0), ('" 12 "*1', 12.0), ('"50%"*2', 1.0),
        # arithmetic and errors
        ("1/0", DIV0), ("(1/0)+A5", DIV0), ("A5+1/0", DIV0), ("2^0.5*2^0.5", 2.0000000000000004),
        ("(-8)^(1/3)", NUM), ("0^-1", DIV0), ("10^400", NUM), ("-2^2", 4.0), ("2^3^2", 64.0),
        ("5%", 0.05), ('1&2', "12"), ('1/3&""', "0.333333333333333"), ('1E+20&""', "1E+20"),
        ('TRUE&""', "TRUE"), ("#N/A", NA), ("unknown_name+1", NAME), ("budget_initial*rate", 10.0),
        ("IF(1>2,1/0,\"ok\")", "ok"), ("IF(A4,1,2)", 2.0), ("IF(\"x\",1,2)", VALUE), ("IF(FALSE,1)", False),
        ("IFERROR(1/0,\"d\")", "d"), ("IFERROR(5,\"d\")", 5.0), ("IFNA(#N/A,1)", 1.0), ("IFNA(1/0,1)", DIV0),
        ("AND(TRUE,1)", True), ("AND(FALSE,1/0)", DIV0), ("OR(A1:A6)", True), ("AND(A4:A5)", VALUE),
        ("NOT(0)", True), ("ISERROR(1/0)", True), ("ISNUMBER(C1)", False), ("ISTEXT(C1)", True),
        # aggregates: ranges ignore text/blank/bool, direct args coerce
        ("SUM(A1:A6)", 100.0), ('SUM(A1:A6,"5",TRUE)', 106.0), ('SUM("x")', VALUE), ("SUM(C1:C3)", 2.5),
        ("COUNT(A1:A6)", 4.0), ("COUNTA(A1:A6)", 5.0), ("COUNTA(B1:B6)", 6.0), ("COUNTBLANK(B1:B6)", 1.0),
        ("COUNTBLANK(A1:A6)", 1.0), ("AVERAGE(A1:A6)", 25.0), ("AVERAGE(A4)", DIV0), ("MIN(A1:A6)", 10.0),
        ("MAX(A1:A6,55)", 55.0), ("MAX(A4:A5)", 0.0), ("MEDIAN(A1:A6)", 25.0), ("MEDIAN(1,2,9)", 2.0),
        ("SUMPRODUCT(A1:A3,D1:D3)", 140.0), ("SUMPRODUCT((A1:A6>15)*D1:D6)", 16.0),
        ("SUMPRODUCT(A1:A3,D1:D2)", VALUE), ("ABS(-3)", 3.0), ("INT(-2.5)", -3.0), ("INT(2.9999999999999996)", 3.0),
        ("MOD(-7,3)", 2.0), ("MOD(7,-3)", -2.0), ("MOD(1,0)", DIV0), ("MOD(5.1,1)", 0.09999999999999964),
        ("RANK(20,A1:A6)", 3.0), ("RANK(20,A1:A6,1)", 2.0), ("RANK(25,A1:A6)", NA),
        # ROUND family
        ("ROUND(0.32499999999999996,2)", 0.33), ("ROUND(0.075,2)", 0.08), ("ROUND(-2.5,0)", -3.0),
        ("ROUND(1250,-2)", 1300.0), ("ROUND(2.5)", 3.0), ("ROUNDUP(1.21,1)", 1.3), ("ROUNDUP(-1.21,1)", -1.3),
        ("ROUNDDOWN(1.29,1)", 1.2), ("ROUND(1.005,2)", 1.01), ("ROUND(A5,1)", VALUE),
        # criteria
        ('COUNTIF(A1:A6,">=20")', 3.0), ('COUNTIF(B1:B6,"优")', 2.0), ('COUNTIF(B1:B6,"<>")', 5.0),
        ('COUNTIF(A1:A6,"")', 1.0), ('COUNTIF(B1:B6,"")', 1.0), ('COUNTIF(B1:B6,"a*")', 1.0),
        ('COUNTIF(B1:B6,"?pple")', 1.0), ('COUNTIF(B1:B6,"<>优")', 4.0), ("COUNTIF(A1:A6,30)", 1.0),
        ('COUNTIF(E1:E2,"~#")', 0.0), ('COUNTIF(E1,"#")', 1.0), ('COUNTIF(A1:A6,"<>20")', 5.0),
        ('SUMIF(B1:B6,"优",D1:D6)', 4.0), ('SUMIF(A1:A6,">15")', 90.0),
        ('SUMIFS(D1:D6,B1:B6,"优",A1:A6,">15")', 3.0), ('COUNTIFS(B1:B6,"优",A1:A6,"<15")', 1.0),
        ('SUMIFS(D1:D6,B1:B5,"优")', VALUE), ('COUNTIF(C1:C3,"3")', 1.0), ('COUNTIF(C1:C3,"<>3")', 2.0),
        ("COUNTIF(A1:A6,A4)", 0.0), ("COUNTIF(E1:E2,A4)", 1.0),
        # lookups
        ("MATCH(30,A1:A3,0)", 3.0), ('MATCH("良",B1:B6,0)', 2.0), ('MATCH("APP*",B1:B6,0)', 6.0),
        ("MATCH(25,A1:A3)", 2.0), ("MATCH(5,A1:A3)", NA), ("MATCH(99,A1:A3,1)", 3.0), ("MATCH(9,A1:A3,0)", NA),
        ("MATCH(25,{},-1)".replace("{}", "A1:A3"), NA),
        ("VLOOKUP(20,A1:D3,4,FALSE)", 2.0), ("VLOOKUP(25,A1:D3,4)", 2.0), ("VLOOKUP(25,A1:D3,4,)", NA),
        ("VLOOKUP(20,A1:D3,5,FALSE)", REF), ("VLOOKUP(20,A1:D3,0,FALSE)", VALUE),
        ("INDEX(A1:D3,2,4)", 2.0), ("INDEX(D1:D6,3)", 3.0), ("INDEX(A1:D1,4)", 1.0), ("INDEX(A1:D3,4,1)", REF),
        ("SUM(INDEX(A1:D3,0,4))", 6.0), ("CHOOSE(2,\"a\",\"b\")", "b"),
        # text
        ('LEN("预算绩效")', 4.0), ('TRIM("  a   b ")', "a b"), ('VALUE("12.5%")', 0.125), ('VALUE("x")', VALUE),
        ('TEXT(0.12345,"0.00%")', "12.35%"), ('TEXT(1234567.891,"#,##0.00")', "1,234,567.89"),
        ('TEXT(-0.5,"0")', "-1"), ('TEXT(2.5,"0.00")', "2.50"), ('TEXT("abc","0.00")', "abc"),
        ('LEFT("预算绩效",2)', "预算"), ('RIGHT("abc",5)', "abc"), ('MID("abcdef",2,3)', "bcd"),
        ('FIND("b","abcb",3)', 4.0), ('FIND("B","abc")', VALUE), ('SEARCH("B","abc")', 2.0),
        ('SEARCH("c?","abcd")', 3.0), ('CONCATENATE("a",1,TRUE)', "a1TRUE"), ('LEFT("abc",-1)', VALUE),
        # references: names, sheets, tables
        ("'规则'!B2*100", 10.0), ("SUM(grades)", 0.0), ("COUNTA(grades)", 6.0), ("'无此表'!A1", REF),
        ("SUM(Projects[全年执行数])", 99.996), ("ABS(budget_initial-SUM(Projects[全年执行数]))<=0.005", True),
        ("[@全年执行数]", 39.996), ("Projects[@分值]", 3.0), ("Projects[[#Totals],[分值]]", 10.0),
        ("COUNTA(Projects[])", 8.0), ("COUNTA(Projects[#All])", 14.0), ("[@不存在]", REF),
        ("A1:A3", VALUE), ("A1:A3+1", VALUE),
    ],
)
def test_semantics(text: str, expected: object) -> None:
    got = ev(text)
    if isinstance(expected, float):
        assert isinstance(got, float) and not isinstance(got, bool), (text, got)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15), text
    else:
        assert got == expected and type(got) is type(expected), (text, got)


def test_if_does_not_evaluate_branch_not_taken() -> None:
    calls: list[str] = []

    class Spy(MemoryResolver):
        def name(self, name: str) -> object:
            calls.append(name)
            return 1.0

    spy = Spy(sheets={"s": {"A1": 0}})
    assert compile_formula("IF(A1=0,taken,not_taken)").evaluate(spy) == 1.0
    assert calls == ["taken"]
    calls.clear()
    assert compile_formula("IFERROR(taken,fallback)").evaluate(spy) == 1.0
    assert calls == ["taken"]


def test_range_values_and_normalisation() -> None:
    r = Range([[1, None], [Decimal("2.5"), "x"]])
    assert r.shape == (2, 2)
    assert r.values() == [1.0, None, 2.5, "x"]
    assert all(type(v) is float for v in r.values()[::2])
    with pytest.raises(ValueError):
        Range([[1], [1, 2]])


def test_xl_round_functions() -> None:
    assert xl_round(0.32499999999999996, 2) == 0.33
    assert round(0.32499999999999996, 2) == 0.32  # why xl_round exists
    assert xl_round(0.075, 2) == 0.08 and xl_round(-0.075, 2) == -0.08
    assert xl_round(-2.5, 0) == -3.0 and xl_round(2.5) == 3.0
    assert xl_round(1234.5678, -2) == 1200.0 and xl_round(-1250, -2) == -1300.0
    assert xl_round(Decimal("2.675"), 2) == Decimal("2.68") and isinstance(xl_round(Decimal("1.5")), Decimal)
    assert isinstance(xl_round(2.675, 2), float) and xl_round(2.675, 2) == 2.68
    assert xl_roundup(1.001, 2) == 1.01 and xl_roundup(-1.001, 2) == -1.01
    assert xl_rounddown(1.999, 2) == 1.99 and xl_rounddown(-1.999, 2) == -1.99
    assert xl_round(1e300, 2) == 1e300 and xl_round(0.0, 5) == 0.0
    assert xl_round(2.5, 0.9) == 3.0  # digits truncate toward zero


def test_engine_imports_no_spreadsheet_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, evaltool.formula as f; f.compile_formula('SUM(A1)');"
        "bad = [m for m in ('openpyxl', 'xlsxwriter', 'python_calamine', 'xlwings') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
