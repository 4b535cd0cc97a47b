"""Working days by China's official holiday calendar (cycle/calendar/china-holidays.yaml): the answer to a
monitoring warning is due within 10 working days. Every date worked by hand from the 国务院办公厅 notices."""

from __future__ import annotations

import datetime as dt

from jixiao.cycle.workdays import add_working_days, calendar, is_working_day

D = dt.date


def test_weekdays_without_holidays_count_as_before():
    # 2023-06-30 is a Friday; July 2023 has no holiday: Jul 3–7 (5) and Jul 10–14 (10) → Friday 2023-07-14.
    assert add_working_days(D(2023, 6, 30), 10).end == D(2023, 7, 14)


def test_national_day_and_a_saturday_worked_in_exchange():
    # 2024-09-30 (Mon). 国办发明电〔2023〕7号 七: 10月1日至7日 off, 10月12日（星期六）上班.
    # Oct 8–11 (4), Sat 12 (5), Oct 14–18 (10) → 2024-10-18. Weekends alone would give 2024-10-14.
    counted = add_working_days(D(2024, 9, 30), 10)
    assert counted.end == D(2024, 10, 18)
    assert counted.basis == "工作日按《国务院办公厅关于2024年部分节假日安排的通知》（国办发明电〔2023〕7号）计算"


def test_spring_festival_2026_nine_days():
    # 2026-02-13 (Fri). 2月14日（周六）上班 (1); 2月15日至23日 off; Feb 24–27 (5); 2月28日（周六）上班 (6);
    # Mar 2–5 (10) → 2026-03-05. The 2026 notice's number is not in the stored copies: cited without it.
    counted = add_working_days(D(2026, 2, 13), 10)
    assert counted.end == D(2026, 3, 5)
    assert "文号未见" in counted.basis


def test_new_year_across_the_year_end():
    # 2022-12-30 (Fri): 12月31日至2023年1月2日 off (国办发明电〔2022〕16号 一, in the 2023 notice);
    # Jan 3–6 (4), 9–13 (9), 16 (10) → 2023-01-16; the count rests on the 2023 notice alone.
    counted = add_working_days(D(2022, 12, 30), 10)
    assert counted.end == D(2023, 1, 16)
    assert counted.uncovered == ()
    assert [n.number for n in counted.notices] == ["国办发明电〔2022〕16号"]


def test_a_year_without_its_notice_counts_weekends_and_says_so():
    # 2026-12-31 (Thu): no 2027 notice held. Jan 1 (Fri, 1), Jan 4–8 (6), 11–14 (10) → 2027-01-14.
    counted = add_working_days(D(2026, 12, 31), 10)
    assert counted.end == D(2027, 1, 14)
    assert counted.uncovered == (2027,)
    assert counted.basis == "工作日仅扣除周末（2027年的节假日安排未收录）"


def test_the_calendar_holds_2023_to_2026_with_their_notices():
    cal = calendar()
    assert sorted(cal.notices) == [2023, 2024, 2025, 2026]
    assert [cal.notices[y].number for y in (2023, 2024, 2025)] == [
        "国办发明电〔2022〕16号",
        "国办发明电〔2023〕7号",
        "国办发明电〔2024〕12号",
    ]
    # 2025 劳动节 5月1日至5日 off, 4月27日（周日）上班; an ordinary Tuesday works, a Saturday does not.
    assert not is_working_day(D(2025, 5, 5)) and is_working_day(D(2025, 4, 27))
    assert is_working_day(D(2025, 5, 6)) and not is_working_day(D(2025, 5, 10))
    # days off per notice: 2023 3+7+1+5+3+8 = 27; 2024 1+8+3+5+1+3+7 = 28 (元旦 and 端午 a single day each)
    off = {y: sum(1 for d in cal.holidays if (d.year, d.month) != (2022, 12) and d.year == y) for y in (2023, 2024)}
    assert off == {2023: 26, 2024: 28}  # 2023: 27 less 2022-12-31, which lies in 2022


def test_working_days_between_is_the_day_by_day_count():
    """working_days_between counts by arithmetic: the same as walking the days one by one with is_working_day, for
    spans within, across and outside the calendar's years (every start in 2022–2027 by steps of 11 days, every
    length by steps of 37 days up to three years)."""
    from jixiao.cycle.workdays import working_days_between

    def walked(start: dt.date, end: dt.date) -> int:
        return sum(is_working_day(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))

    assert working_days_between(D(2024, 9, 30), D(2024, 10, 18)) == 10  # the National Day example above
    assert working_days_between(D(2024, 10, 18), D(2024, 9, 30)) == 0
    start = D(2022, 1, 1)
    while start < D(2027, 12, 31):
        for length in range(0, 3 * 366, 37):
            end = start + dt.timedelta(days=length)
            assert working_days_between(start, end) == walked(start, end), (start, end)
        start += dt.timedelta(days=11)
