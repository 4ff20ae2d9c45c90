"""Small-cell and complementary suppression, exactly at the boundaries."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payor.insights import (
    CoverageCounts,
    DemographicCounts,
    MeasureCounts,
    publish_demographics,
    publish_influenza,
    publish_measures,
)
from payor.figures import BMI, HBA1C
from payor.suppression import THRESHOLD, Cell, Relation, suppress

SHOWN = Cell.shown
HIDDEN = Cell.hidden()


@pytest.mark.parametrize("count, cell", [
    (0, SHOWN(0)), (1, HIDDEN), (2, HIDDEN), (10, HIDDEN), (11, SHOWN(11)), (12, SHOWN(12)),
])
def test_primary_suppression_boundaries(count, cell):
    assert THRESHOLD == 10
    assert suppress({"n": count}) == {"n": cell}


def test_one_suppressed_part_takes_the_smallest_other_part_with_it():
    counts = {"total": 50, "a": 25, "b": 5, "c": 20, "d": 0}
    shown = suppress(counts, [Relation("total", ("a", "b", "c", "d"))])
    # b alone would be 50 - 25 - 20 - 0; c (the smallest non-zero part) keeps it open.
    assert shown == {"total": SHOWN(50), "a": SHOWN(25), "b": HIDDEN, "c": HIDDEN, "d": SHOWN(0)}


def test_ties_take_the_first_listed_part():
    counts = {"total": 47, "a": 3, "b": 22, "c": 22}
    assert suppress(counts, [Relation("total", ("a", "b", "c"))]) == {
        "total": SHOWN(47), "a": HIDDEN, "b": HIDDEN, "c": SHOWN(22)}


def test_parts_that_could_only_be_ones_take_one_more():
    # Two suppressed parts summing to 2 (52 - 50) could only be 1 and 1.
    counts = {"total": 52, "a": 1, "b": 1, "c": 50}
    assert suppress(counts, [Relation("total", ("a", "b", "c"))]) == {
        "total": SHOWN(52), "a": HIDDEN, "b": HIDDEN, "c": HIDDEN}


def test_two_suppressed_parts_that_could_be_other_values_stay_two():
    counts = {"total": 40, "a": 1, "b": 2, "c": 37}
    assert suppress(counts, [Relation("total", ("a", "b", "c"))]) == {
        "total": SHOWN(40), "a": HIDDEN, "b": HIDDEN, "c": SHOWN(37)}


def test_a_part_that_is_zero_is_suppressed_before_a_total():
    # x and y suppress each other in the first relation; in the second, y is the only
    # suppressed cell and its sibling is 0: the 0 goes (y + z = 20 keeps y open), the total stays.
    counts = {"t1": 25, "x": 5, "y": 20, "t2": 20, "z": 0}
    shown = suppress(counts, [Relation("t1", ("x", "y")), Relation("t2", ("y", "z"))])
    assert shown == {"t1": SHOWN(25), "x": HIDDEN, "y": HIDDEN, "t2": SHOWN(20), "z": HIDDEN}


def test_a_suppressed_total_takes_a_part_when_no_part_is_left_to_take():
    counts = {"t1": 25, "x": 5, "y": 20, "t2": 20}
    shown = suppress(counts, [Relation("t1", ("x", "y")), Relation("t2", ("y",))])
    assert shown == {"t1": SHOWN(25), "x": HIDDEN, "y": HIDDEN, "t2": HIDDEN}


def test_a_total_shared_by_two_relations_hides_a_part_of_each():
    # The total is small: every part of both relations that is not zero goes with it, and a
    # shown "male: 0" would say that every one of the few is female.
    counts = {"total": 8, "young": 3, "old": 5, "female": 8, "male": 0}
    relations = [Relation("total", ("young", "old")), Relation("total", ("female", "male"))]
    assert suppress(counts, relations) == {
        "total": HIDDEN, "young": HIDDEN, "old": HIDDEN, "female": HIDDEN, "male": HIDDEN}


def test_a_few_all_in_one_band_do_not_show_as_zeros_around_it():
    # Tested 2, both in the diabetes range: "0, 0, suppressed" would tell the payor that every
    # tested member is diabetic. One zero is suppressed with them; which band is not told.
    counts = {"tested": 2, "normal": 0, "prediabetes": 0, "diabetes": 2}
    assert suppress(counts, [Relation("tested", ("normal", "prediabetes", "diabetes"))]) == {
        "tested": HIDDEN, "normal": HIDDEN, "prediabetes": SHOWN(0), "diabetes": HIDDEN}


def test_a_relation_of_one_part_says_nothing_more_than_its_cells():
    assert suppress({"t": 4, "only": 4}, [Relation("t", ("only",))]) == {"t": HIDDEN, "only": HIDDEN}


def test_inconsistent_or_negative_counts_are_refused():
    with pytest.raises(ValueError):
        suppress({"total": 5, "a": 4}, [Relation("total", ("a",))])
    with pytest.raises(ValueError):
        suppress({"a": -1})


def _gives_away(counts, shown, relation) -> bool:
    """Independently of the implementation: can a reader of the published cells compute a
    suppressed one from this relation, or tell that one suppressed part holds its whole
    suppressed total? (Assuming, as a careful reader would, each suppressed cell at least 1.)"""
    cells = (relation.total, *relation.parts)
    hidden = [k for k in cells if shown[k].suppressed]
    if len(hidden) == 1:
        return True
    shown_parts = [p for p in relation.parts if not shown[p].suppressed]
    if shown[relation.total].suppressed:
        return len(hidden) == 2 and bool(shown_parts) and all(shown[p].value == 0 for p in shown_parts)
    if not hidden:
        return False
    hidden_sum = counts[relation.total] - sum(counts[p] for p in relation.parts if not shown[p].suppressed)
    return hidden_sum == len(hidden)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_no_relation_ever_gives_a_suppressed_cell_away(data):
    # Two breakdowns of the same total, as age bands and genders are.
    first = data.draw(st.lists(st.integers(0, 30), min_size=2, max_size=6))
    total = sum(first)
    cuts = sorted(data.draw(st.lists(st.integers(0, total), min_size=1, max_size=5)))
    second = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    counts = {"total": total, **{("a", i): v for i, v in enumerate(first)},
              **{("b", i): v for i, v in enumerate(second)}}
    relations = [Relation("total", tuple(("a", i) for i in range(len(first)))),
                 Relation("total", tuple(("b", i) for i in range(len(second))))]
    shown = suppress(counts, relations)
    for key, cell in shown.items():
        assert cell.suppressed == (cell.value is None)
        if not cell.suppressed:
            assert cell.value == counts[key] and not 1 <= cell.value <= THRESHOLD
    for relation in relations:
        assert not _gives_away(counts, shown, relation), (counts, shown)


# -- Publishing figure groups ---------------------------------------------------------------
def test_demographics_publish_bands_and_genders_that_add_up():
    published = publish_demographics(DemographicCounts(
        members=120, authorizing=30,
        age_bands={"18-34": 25, "35-49": 5}, genders={"female": 22, "male": 8}))
    assert published.total_members == 120
    assert published.authorizing == SHOWN(30)
    assert [(b.label, b.patients) for b in published.age_bands] == [
        ("0-17", SHOWN(0)), ("18-34", HIDDEN), ("35-49", HIDDEN), ("50-64", SHOWN(0)),
        ("65-79", SHOWN(0)), ("80+", SHOWN(0)), ("unknown", SHOWN(0))]
    assert [(g.gender, g.patients) for g in published.genders] == [
        ("female", HIDDEN), ("male", HIDDEN), ("other", SHOWN(0)), ("unknown", SHOWN(0))]


def test_measure_bands_add_up_to_the_tested_members():
    published, = publish_measures((HBA1C,), MeasureCounts(cohort=40, bands={
        ("HBA1C", "below 5.7"): 20, ("HBA1C", "5.7 to 6.4"): 12, ("HBA1C", "6.5 or more"): 3}))
    assert published.cohort == SHOWN(40)
    assert published.tested == SHOWN(35)
    assert [(b.label, b.patients) for b in published.bands] == [
        ("below 5.7", SHOWN(20)), ("5.7 to 6.4", HIDDEN), ("6.5 or more", HIDDEN)]
    assert published.share_at_or_above(6.5) is None  # its cell is suppressed, and so is one below
    assert published.share_at_or_above(5.7) == 15 / 35  # the rest of tested: below 5.7 is shown


def test_a_share_is_told_only_from_published_cells():
    published, = publish_measures((BMI,), MeasureCounts(cohort=90, bands={
        ("BMI", "18.5 to 24.9"): 40, ("BMI", "25 to 29.9"): 30, ("BMI", "30 to 34.9"): 8,
        ("BMI", "35 to 39.9"): 3}))
    assert [b.patients for b in published.bands] == [SHOWN(0), SHOWN(40), SHOWN(30), HIDDEN, HIDDEN, SHOWN(0)]
    assert published.tested == SHOWN(81)
    assert published.share_at_or_above(30) == 11 / 81   # 81 - 0 - 40 - 30: already in the answer
    assert published.share_at_or_above(25) == 41 / 81
    assert published.share_at_or_above(35) is None      # 3 would be told: neither side is all shown
    nobody, = publish_measures((BMI,), MeasureCounts(cohort=90, bands={}))
    assert nobody.share_at_or_above(30) is None


def test_influenza_coverage_never_reveals_the_unvaccinated_few():
    published = publish_influenza(CoverageCounts(eligible=50, vaccinated=45))
    assert (published.eligible, published.vaccinated, published.unvaccinated) == (SHOWN(50), HIDDEN, HIDDEN)
    everyone = publish_influenza(CoverageCounts(eligible=11, vaccinated=11))
    assert (everyone.eligible, everyone.vaccinated, everyone.unvaccinated) == (SHOWN(11), SHOWN(11), SHOWN(0))
