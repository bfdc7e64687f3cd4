"""energybook.memo.per_table: one computation per table object, never an answer for another."""

from energybook.memo import per_table


def test_one_call_per_table_and_argument_and_none_for_another_table():
    calls = []

    @per_table(2)
    def f(table, k):
        calls.append((id(table), k))
        return sum(table) * k

    a, b = [1, 2], [1, 2]  # equal, but different objects
    assert f(a, 2) == f(a, 2) == 6 and len(calls) == 1
    assert f(a, 3) == 9 and len(calls) == 2
    assert f(b, 2) == 6 and len(calls) == 3  # another object: computed afresh
    f(a, 4)  # full: the memo is emptied, then holds this entry
    assert f(a, 2) == 6 and len(calls) == 5
