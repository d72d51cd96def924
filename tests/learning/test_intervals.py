"""Interval merging and clamping, checked on examples and on generated cases (hypothesis)."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from lectio.learning import intervals as iv

point = st.floats(min_value=-50, max_value=700, allow_nan=False)
raw_intervals = st.lists(st.tuples(point, point), max_size=30)


def test_examples():
    assert iv.merge([(10, 20), (0, 5), (5, 8), (15, 30)]) == [(0, 8), (10, 30)]
    assert iv.clean([[-5, 10], [50, 40], [90, 200], "x", [1], [None, 3]], 100) == [
        (0, 10),
        (90, 100),
    ]
    assert iv.subtract([(0, 10)], [(2, 3), (5, 20)]) == [(0, 2), (3, 5)]
    assert iv.add([(0, 10)], [(5, 30)], allowance=12) == [(0, 22)]
    assert iv.furthest_contiguous([(0, 10), (11, 20), (40, 50)]) == 20


def test_nan_and_infinity_are_dropped():
    assert iv.clean([[float("nan"), 5], [0, float("inf")]], 60) == []


@given(raw_intervals, st.floats(min_value=1, max_value=600))
def test_cleaned_intervals_stay_inside_the_media(raw, duration):
    for start, end in iv.clean(raw, duration):
        assert 0 <= start < end <= duration


@given(raw_intervals)
def test_merged_intervals_are_sorted_disjoint_and_cover_the_same_seconds(raw):
    cleaned = iv.clean(raw, 600)
    merged = iv.merge(cleaned)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert iv.total(merged) <= iv.total(cleaned) + 1e-9
    for start, end in cleaned:  # every cleaned interval lies inside one merged interval
        assert any(m_start <= start and end <= m_end for m_start, m_end in merged)
    assert iv.merge(merged) == merged  # idempotent


@given(raw_intervals, raw_intervals, st.floats(min_value=0, max_value=300))
def test_adding_never_loses_seconds_and_respects_the_allowance(old, new, allowance):
    watched = iv.merge(iv.clean(old, 600))
    result = iv.add(watched, iv.clean(new, 600), allowance)
    assert iv.total(result) >= iv.total(watched) - 1e-9  # rewatching never lowers progress
    assert iv.total(result) <= iv.total(watched) + allowance + 1e-6
    assert iv.merge(result) == result


@given(raw_intervals)
def test_repeating_a_report_changes_nothing(raw):
    once = iv.add([], iv.clean(raw, 600), 10_000)
    assert iv.add(once, iv.clean(raw, 600), 10_000) == once
