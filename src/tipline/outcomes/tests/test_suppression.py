"""The public page's suppression rule on hand-made grids: no count below 5 is shown, and
no hidden cell can be recovered from totals or other cells."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tipline.outcomes.suppression import Cell, publish

ROWS, COLUMNS = ["2026-01", "2026-02"], ["drugs", "arms", "graft"]


def grid(values: list[list[int]]) -> dict[tuple[str, str], int]:
    return {(r, c): values[i][j] for i, r in enumerate(ROWS) for j, c in enumerate(COLUMNS)}


def shown(table: object) -> list[int | None]:
    """Every figure the page publishes, in order."""
    figures = [cell.value for line in table.cells for cell in line]  # type: ignore[attr-defined]
    figures += [cell.value for cell in table.row_totals]  # type: ignore[attr-defined]
    figures += [cell.value for cell in table.column_totals]  # type: ignore[attr-defined]
    return [*figures, table.total.value]  # type: ignore[attr-defined]


def test_counts_below_five_including_zero_are_hidden() -> None:
    table = publish(ROWS, COLUMNS, grid([[0, 4, 5], [1, 12, 3]]))
    assert [[c.value for c in line] for line in table.cells] == [[None, None, 5], [None, 12, None]]


def test_a_single_hidden_cell_cannot_be_recovered_from_its_row_total() -> None:
    # 9 + 3 + 7: an exact row total of 19 would give away the 3.
    table = publish(ROWS, COLUMNS, grid([[9, 3, 7], [9, 9, 9]]))
    assert table.row_totals[0] == Cell(16, at_least=True)
    assert table.row_totals[1] == Cell(27, at_least=False)
    assert table.column_totals[1] == Cell(9, at_least=True)
    assert table.total == Cell(43, at_least=True)


def test_two_hidden_cells_summing_to_zero_are_not_given_away() -> None:
    # With exact totals and secondary suppression, 0 + 0 would be revealed by the total.
    table = publish(ROWS, COLUMNS, grid([[0, 0, 8], [4, 4, 8]]))
    assert table.row_totals == [Cell(8, at_least=True), Cell(8, at_least=True)]
    assert table.total == Cell(16, at_least=True)


def test_a_line_with_every_cell_hidden_publishes_nothing_about_it() -> None:
    table = publish(ROWS, COLUMNS, grid([[1, 2, 3], [0, 0, 0]]))
    assert table.row_totals == [Cell(0, at_least=True), Cell(0, at_least=True)]


def test_an_empty_grid() -> None:
    table = publish([], [], {})
    assert table.total == Cell(0, at_least=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=2, max_size=2),
    st.data(),
)
def test_changing_hidden_cells_to_any_other_hidden_value_changes_nothing_published(
    values: list[list[int]], data: st.DataObject
) -> None:
    """Whatever the hidden cells hold (0 to 4), the page is the same: nothing published
    depends on them, so no subtraction of published figures can recover one."""
    before = publish(ROWS, COLUMNS, grid(values))
    changed = [[data.draw(st.integers(0, 4)) if v < 5 else v for v in line] for line in values]
    after = publish(ROWS, COLUMNS, grid(changed))
    assert shown(before) == shown(after)
    assert all(v is None or v >= 5 or v == 0 for v in shown(before)[:6])


def test_every_published_cell_is_five_or_more() -> None:
    for values in itertools.product([0, 1, 4, 5, 6], repeat=3):
        table = publish(["m"], COLUMNS, {("m", c): v for c, v in zip(COLUMNS, values, strict=True)})
        for cell in table.cells[0]:
            assert cell.value is None or cell.value >= 5
