"""Small-count suppression for the public results page.

The rule: a cell whose count is below `THRESHOLD` (0 included) is shown only as "fewer
than 5", and every total on the page is the sum of the cells that are shown, marked "at
least" when its line hides a cell. So every published figure is a sum of exact counts
that are each 5 or more; no published figure depends on a hidden cell at all, and no
subtraction of shown figures from one another can recover one. (Exact totals with a
second suppressed cell per line were considered and rejected: with totals published, two
hidden cells of a line that sum to 0 or 8 are both revealed, and guarding against that
takes interval reasoning over every line at once.)

`test_suppression.py` checks this with hand-made grids and by changing every hidden cell
to any other hidden value and finding the published page unchanged.
"""

from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    """A published figure: `value` is None when it is hidden ("fewer than 5");
    `at_least` marks a total over a line with hidden cells."""

    value: int | None
    at_least: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class PublishedTable:
    rows: list[str]
    columns: list[str]
    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell


def publish(
    rows: list[str], columns: list[str], counts: dict[tuple[str, str], int]
) -> PublishedTable:
    """The grid `rows` x `columns` of exact `counts` (missing = 0), as it may be published."""
    cells = [[_cell(counts.get((row, column), 0)) for column in columns] for row in rows]
    row_totals = [_sum(line) for line in cells]
    column_totals = [_sum([line[i] for line in cells]) for i in range(len(columns))]
    everything = [cell for line in cells for cell in line]
    return PublishedTable(rows, columns, cells, row_totals, column_totals, _sum(everything))


def _cell(count: int) -> Cell:
    return Cell(count if count >= THRESHOLD else None)


def _sum(cells: list[Cell]) -> Cell:
    shown = [cell.value for cell in cells if cell.value is not None]
    return Cell(sum(shown), at_least=len(shown) < len(cells))
