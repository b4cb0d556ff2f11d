"""Parser, lexer and renderer of evaltool.formula: precedence, references, errors, round-trip."""

from __future__ import annotations

import pytest

from evaltool.formula import FormulaSyntaxError, compile_formula, parse, render
from evaltool.formula.nodes import (
    Binary,
    Call,
    CellRef,
    Missing,
    NameRef,
    Number,
    Paren,
    Percent,
    String,
    StructRef,
    Unary,
)


def test_leading_equals_optional() -> None:
    assert parse("=1+2") == parse("1+2") == parse("  = 1 + 2 ")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1+2*3", Binary("+", Number(1), Binary("*", Number(2), Number(3)))),
        ("-2^2", Binary("^", Unary("-", Number(2)), Number(2))),
        ("2^3^2", Binary("^", Binary("^", Number(2), Number(3)), Number(2))),
        ("1-2-3", Binary("-", Binary("-", Number(1), Number(2)), Number(3))),
        ("50%*2", Binary("*", Percent(Number(50)), Number(2))),
        ('"a"&1+2', Binary("&", String("a"), Binary("+", Number(1), Number(2)))),
        ("1+2>=3&4", Binary(">=", Binary("+", Number(1), Number(2)), Binary("&", Number(3), Number(4)))),
        ("(1+2)*3", Binary("*", Paren(Binary("+", Number(1), Number(2))), Number(3))),
        ("2^-1", Binary("^", Number(2), Unary("-", Number(1)))),
        ("1e3+.5", Binary("+", Number(1000), Number(0.5))),
    ],
)
def test_precedence(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text, node",
    [
        ("B4", CellRef(None, "B4")),
        ("$b$4", CellRef(None, "$B$4")),
        ("B4:D9", CellRef(None, "B4:D9")),
        ("'绩效指标'!B4", CellRef("绩效指标", "B4")),
        ("'It''s'!A1", CellRef("It's", "A1")),
        ("Sheet1!A1:B2", CellRef("Sheet1", "A1:B2")),
        ("A:A", CellRef(None, "A:A")),
        ("budget_initial", NameRef("budget_initial")),
        ("rate.total", NameRef("rate.total")),
        ("Projects[全年执行数]", StructRef("Projects", "全年执行数")),
        ("Projects[[#Data],[全年执行数]]", StructRef("Projects", "全年执行数", "#Data")),
        ("Projects[#Totals]", StructRef("Projects", None, "#Totals")),
        ("Projects[[#totals],[分值]]", StructRef("Projects", "分值", "#Totals")),
        ("Projects[]", StructRef("Projects", None)),
        ("[@实际完成值]", StructRef(None, "实际完成值", None, True)),
        ("Indicators[@分值]", StructRef("Indicators", "分值", None, True)),
        ("[@[Col with space]]", StructRef(None, "Col with space", None, True)),
        ("T[[#This Row],[Col A]]", StructRef("T", "Col A", None, True)),
        ("T['[x']]", StructRef("T", "[x]")),
        ("T[a'#b]", StructRef("T", "a#b")),
        ("T[[ #Data ], [x]]", StructRef("T", "x", "#Data")),
    ],
)
def test_reference_forms(text: str, node: object) -> None:
    assert parse(text) == node


def test_function_calls_and_empty_args() -> None:
    assert parse("IF(A1,,)") == Call("IF", (CellRef(None, "A1"), Missing(), Missing()))
    assert parse("_xlfn.IFNA(1,2)") == Call("IFNA", (Number(1), Number(2)))
    assert parse("rank.eq(1,A1:A3)") == Call("RANK", (Number(1), CellRef(None, "A1:A3")))
    assert parse("TRUE") == parse("true")


def test_names_and_references() -> None:
    f = compile_formula("=AND(ABS(Budget_Initial-SUM(Projects[全年执行数]))<=0.005,[@实际完成值]>=0,'表'!A1+A1+A1)")
    assert f.names == frozenset({"budget_initial"})
    assert f.references == (
        StructRef("Projects", "全年执行数"),
        StructRef(None, "实际完成值", None, True),
        CellRef("表", "A1"),
        CellRef(None, "A1"),
    )


@pytest.mark.parametrize(
    "text, position, fragment",
    [
        ("=SUM(A1,,", 9, "意外结束"),
        ("=1+", 3, "意外结束"),
        ('="abc', 1, "引号"),
        ("=1 ~ 2", 3, "unknown operator"),
        ("=A1≥90", 3, "请使用半角 >= 而非 ≥"),
        ("=IF(A1＞1,1,0)", 6, "请使用半角 > 而非 ＞"),
        ("=SUM(1;2)", 6, "逗号"),
        ("=(1+2", 5, ")"),
        ("=1+2)", 4, "多余的 )"),
        ("=FOO(1)", 1, "不支持的函数"),
        ("=ROUND()", 1, "至少需要"),
        ("=NOT(1,2)", 1, "最多"),
        ("='Sheet", 1, "单引号"),
        ("=T[[#Data],[a]", 14, "]"),
        ("=1 2", 3, "unexpected"),
        ("=#FOO!", 1, "错误值"),
        ("=", 1, "空"),
        ("=A1:B", 3, ":"),
    ],
)
def test_syntax_errors(text: str, position: int, fragment: str) -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        parse(text)
    assert info.value.position == position
    assert fragment in str(info.value)
    assert f"position {position}" in str(info.value)


ROUND_TRIP = [
    "=AND(ABS(budget_initial-SUM(Projects[全年执行数]))<=0.005,[@实际完成值]>=0)",
    "=-2^2+(1-(2-3))*4%",
    '="a""b"&TEXT(0.5,"0.0%")&#N/A',
    "=IF(A1,,)",
    "=SUM('绩效 指标'!$B$4:D9,Sheet1!A:A)",
    "=T[[#This Row],[Col A]]+[@[x y]]+T[#Totals]+T[[#Data],[a'#b]]+T[]",
    "=_xlfn.IFNA(VLOOKUP(1,A1:B3,2,FALSE),0)",
    "=1E-05+1.5E+20+0.1+123456789012345678",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trip(text: str) -> None:
    ast = parse(text)
    assert parse(render(ast)) == ast


def test_render_is_canonical_file_syntax() -> None:
    assert compile_formula("T[@a]").render() == "=T[[#This Row],[a]]"
    assert compile_formula("ifna(1,2)").render() == "=_xlfn.IFNA(1,2)"
    assert compile_formula("ifna(1,2)").render(future_prefix=False) == "=IFNA(1,2)"
    assert compile_formula("'Sheet1'!a1+'A1'!B2").render() == "=Sheet1!A1+'A1'!B2"


def test_render_adds_parentheses_for_built_trees() -> None:
    tree = Binary("*", Binary("+", Number(1), Number(2)), Binary("-", Number(3), Number(4)))
    assert render(tree) == "=(1+2)*(3-4)"
    assert render(Binary("-", Number(1), Binary("-", Number(2), Number(3)))) == "=1-(2-3)"


def test_rewriter_translates_structured_refs() -> None:
    f = compile_formula("=IF([@实际完成值]>=[@目标值],[@分值],0)+SUM(Projects[全年执行数])")
    cols = {"实际完成值": "J", "目标值": "I", "分值": "K"}

    def rewrite(node: object) -> str | None:
        if isinstance(node, StructRef) and node.this_row:
            return f"'绩效指标'!{cols[node.column or '']}5"
        if isinstance(node, StructRef):
            return "'项目清单'!$D$4:$D$21"
        return None

    assert f.render(rewrite) == (
        "=IF('绩效指标'!J5>='绩效指标'!I5,'绩效指标'!K5,0)+SUM('项目清单'!$D$4:$D$21)"
    )


# -- property: render/parse round-trip over generated trees ----------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_leaf = st.one_of(
    st.floats(min_value=0, max_value=1e20, allow_nan=False).map(Number),
    st.text(alphabet="ab\"'中 #", max_size=4).map(String),
    st.sampled_from([CellRef(None, "A1"), CellRef("绩效指标", "$B$4:D9"), CellRef("S 1", "C3"),
                     NameRef("budget_initial"), StructRef("T", "分值"), StructRef(None, "a b", None, True),
                     StructRef("T", "x", "#Totals"), StructRef("T", None, "#Data")]),
)
_trees = st.recursive(
    _leaf,
    lambda kids: st.one_of(
        st.tuples(st.sampled_from(sorted(
            ["+", "-", "*", "/", "^", "&", "=", "<>", "<", ">", "<=", ">="])), kids, kids
        ).map(lambda t: Binary(*t)),
        st.tuples(st.sampled_from(["-", "+"]), kids).map(lambda t: Unary(*t)),
        kids.map(Percent),
        kids.map(Paren),
        st.tuples(st.sampled_from(["SUM", "IF", "ROUND", "AND"]), st.lists(kids, min_size=1, max_size=3))
        .map(lambda t: Call(t[0], tuple(t[1][:2] if t[0] == "ROUND" else t[1]))),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_trees)
def test_render_parse_round_trip_property(tree: object) -> None:
    text = render(tree)  # type: ignore[arg-type]
    again = parse(text)
    assert render(again) == text
    assert parse(render(again)) == again
