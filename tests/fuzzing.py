"""Hypothesis strategies shared by the fuzz tests: real payloads, shaken."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.text(min_size=4000, max_size=70_000)
)
json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_HOSTILE = ["\x00\u202e<b>&</b> <!channel> <@U1> <http://x|y>", ""]


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """`value` (a JSON-like payload) with some keys dropped, some values replaced by anything
    (wrong types, huge texts), strings truncated, blown up or made hostile; the rest kept."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            move = draw(st.sampled_from(["keep", "keep", "recurse", "drop", "replace"]))
            if move == "drop":
                continue
            if move == "replace":
                out[key] = draw(json_values)
            elif move == "recurse" and depth < 4:
                out[key] = draw(mutated(item, depth + 1))
            else:
                out[key] = item
        return out
    if isinstance(value, list) and value:
        return [draw(mutated(value[0], depth + 1))]
    if isinstance(value, str) and draw(st.booleans()):
        return draw(st.sampled_from([value * 500, value[: len(value) // 2], *_HOSTILE]))
    return value
