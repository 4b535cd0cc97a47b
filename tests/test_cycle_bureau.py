"""A bureau's cycle across departments: `jixiao monitor|rectify|targets BUREAU_DIR` (each sub-folder a department),
one workbook per step, a failure list naming each bad folder and file, and the errors of a department's files. Every
figure worked by hand in the comments, from the bundled 宝安 example and small made-up departments."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao.cli import main
from jixiao.cycle.bureau import monitor_one, run_bureau
from jixiao.cycle.bureau_out import monitor_rows
from jixiao.cycle.monitoring import assess_monitoring, load_monitoring
from jixiao.cycle.rectify import load_rectification
from jixiao.cycle.workbook_out import monitoring_workbook
from jixiao.cycle.workdays import working_days_between
from jixiao.model.problems import JixiaoError, Severity

BAOAN = Path(__file__).parent.parent / "examples" / "baoan-fulian-2023"

JIAOYU_MONITORING = """department: 某区教育局
year: 2023
budget: 1000
points:
  - {month: 9, executed: 500}
"""
JIAOYU_RECTIFICATION = """department: 某区教育局
year: 2023
items:
  - {problem: 资产台账不全, measure: 全面清查, owner: 财务科, deadline: 2024-10-01, status: 进行中}
  - {problem: 绩效目标不细化, measure: 细化指标, owner: 计财科, deadline: 2024-12-31, status: 未开始}
"""
JIAOYU_TARGETS = """kind: department
department: 某区教育局
year: 2023
budget: {total: 1000}
overall_goal: 提高教师培训质量
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 培训人次, operator: ≥, value: 500}
"""


def _moved_workbook(path: Path) -> None:
    """宝安's monitoring as the filled workbook, the 累计执行率 column (D) moved to J."""
    book = load_workbook(io.BytesIO(monitoring_workbook(load_monitoring(BAOAN))))
    ws = book["运行监控"]
    for row in range(7, ws.max_row + 1):
        ws.cell(row, 10).value, ws.cell(row, 4).value = ws.cell(row, 4).value, None
    book.save(path)


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    root = tmp_path / "区财政局"
    shutil.copytree(BAOAN, root / "baoan")
    jiaoyu = root / "jiaoyu"
    jiaoyu.mkdir()
    (jiaoyu / "monitoring.yaml").write_text(JIAOYU_MONITORING, encoding="utf-8")
    (jiaoyu / "rectification.yaml").write_text(JIAOYU_RECTIFICATION, encoding="utf-8")
    (jiaoyu / "targets.yaml").write_text(JIAOYU_TARGETS, encoding="utf-8")
    broken = root / "broken"
    broken.mkdir()
    (broken / "monitoring.yaml").write_text("year: 2023\npoints:\n  - month: 3\n   executed: [\n", encoding="utf-8")
    text = (BAOAN / "rectification.yaml").read_text(encoding="utf-8").replace("2024-09-30", "2024-13-01")
    (broken / "rectification.yaml").write_text(text, encoding="utf-8")
    (root / "empty").mkdir()
    (root / "weishen").mkdir()
    _moved_workbook(root / "weishen" / "2023年运行监控表.xlsx")
    (root / "out").mkdir()  # an earlier run's output folder: not a department
    (root / "out" / "运行监控汇总.xlsx").write_bytes(b"")
    return root


def _sheet(data: bytes, name: str) -> list[list[str]]:
    ws = load_workbook(io.BytesIO(data))[name]
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(min_row=3, values_only=True)]


# ---------------------------------------------------------------- monitor
def test_monitor_of_a_bureau_lists_every_warning_and_every_bad_folder(bureau, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["monitor", str(bureau), "--today", "2023-10-20", "--out", str(out)])
    assert code == 1  # two folders could not be read
    printed = capsys.readouterr()
    assert "进度 5/5" in printed.err  # baoan, broken, empty, jiaoyu, weishen; "out" is an output folder
    assert "共5个部门文件夹，已读取3个，无法读取2个。" in printed.out
    # baoan and weishen hold the same department (the workbook is 宝安's): the bureau is told to check
    assert "注意：“深圳市宝安区妇女联合会”出现在2个文件夹（baoan、weishen），请确认是否重复报送。" in printed.out
    data = (out / "运行监控汇总.xlsx").read_bytes()
    warnings = _sheet(data, "预警清单")
    # jiaoyu: 500 / 1000 = 50% by September < 75% − 10% = 65% (national, inferred). Issued 2023-09-30; 10 working
    # days: 9-29…10-6 off (中秋国庆), 10-7 and 10-8 worked (1, 2), 10-9…13 (3–7), 10-16, 17, 18 (8–10) → 2023-10-18.
    # On 2023-10-20 unanswered: 逾期未答复, 10-19 and 10-20 past → 已逾期2个工作日. It comes first (late first).
    assert warnings[0][:4] == ["某区教育局", "jiaoyu", "1-9月", "执行进度"]
    assert warnings[0][5:8] == ["2023-09-30", "10个工作日", "2023-10-18"]
    assert warnings[0][10:12] == ["逾期未答复", "已逾期2个工作日"]
    # 宝安 (YAML) and weishen (its workbook, the rate column moved): the June target gap 25% vs 40.37% = 15.37% > 10%,
    # issued 2023-06-30, due 2023-07-14 (7-3…7 and 7-10…14), answered 2023-07-10: 已答复.
    assert [(row[1], row[2], row[3], row[7], row[10]) for row in warnings[1:]] == [
        ("baoan", "1-6月", "目标偏差", "2023-07-14", "已答复"),
        ("weishen", "1-6月", "目标偏差", "2023-07-14", "已答复"),
    ]
    assert "weishen/2023年运行监控表.xlsx[运行监控!A9]" in warnings[2][14]
    assert {row[12] for row in warnings} == {""}  # national: no rule on 整改措施 after a decision
    summary = {row[1]: row for row in _sheet(data, "部门汇总")}
    assert summary["jiaoyu"][4:9] == ["1-9月", "50.00%", "65.00%", "1", "1"]
    assert summary["baoan"][4:8] == ["1-9月", "75.66%", "65.00%", "1"]
    failures = {row[0]: row for row in _sheet(data, "无法读取")}
    assert set(failures) == {"broken", "empty"}
    assert failures["broken"][1:3] == ["monitoring.yaml", "文件有误"]
    assert "broken/monitoring.yaml:4:" in failures["broken"][3] and "缩进" in failures["broken"][3]
    assert failures["empty"][1:3] == ["monitoring.yaml", "未报送"]
    assert "该文件夹是空的" in failures["empty"][3]


def test_answer_time_in_working_days_left_and_past(bureau):
    run = run_bureau(bureau, "monitor", monitor_one(dt.date(2023, 10, 10)))
    _summary, warnings = monitor_rows(run, dt.date(2023, 10, 10))
    # On 2023-10-10 the deadline 2023-10-18 is 6 working days away: 10-11, 12, 13, 16, 17, 18.
    assert warnings[0][10:12] == ["待答复", "剩余6个工作日"]
    assert working_days_between(dt.date(2023, 10, 18), dt.date(2023, 10, 18)) == 0
    # the National Day week off, 10-7 and 10-8 worked: from 9-28 to 10-9 the working days are 10-7, 10-8, 10-9
    assert working_days_between(dt.date(2023, 9, 28), dt.date(2023, 10, 9)) == 3


def test_one_department_folder_still_reads_alone(tmp_path, capsys):
    folder = tmp_path / "weishen"
    folder.mkdir()
    _moved_workbook(folder / "运行监控表.xlsx")
    assert main(["monitor", str(folder), "--today", "2024-01-15"]) == 0
    assert "1-6月 累计执行率 40.37%" in capsys.readouterr().out  # the moved column read by its header


# ---------------------------------------------------------------- rectify
def test_rectify_of_a_bureau_open_overdue_and_done(bureau, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["rectify", str(bureau), "--today", "2024-10-08", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    # baoan: 按期完成 1 (done 2024-03-15 ≤ 2024-06-30), 已逾期 1 (进行中, due 2024-09-30); jiaoyu: 已逾期 1 (due
    # 2024-10-01), 未开始 1 (due 2024-12-31). 4 items, 1 done, 3 open of which 2 overdue.
    assert "事项4项，已完成1项，未完成3项，其中已逾期2项。" in printed
    data = (out / "整改台账汇总.xlsx").read_bytes()
    stats = {row[1]: row[3:9] for row in _sheet(data, "部门统计")}
    #                        事项 按期完成 逾期完成 进行中 未开始 已逾期
    assert stats["baoan"] == ["2", "1", "0", "0", "0", "1"]
    assert stats["jiaoyu"] == ["2", "0", "0", "0", "1", "1"]
    open_items = _sheet(data, "未完成事项")
    # overdue first by deadline: baoan 2024-09-30 (8 days past on 10-08), jiaoyu 2024-10-01 (7 days); then jiaoyu's
    # 2024-12-31: Oct 8 → Dec 31 is 23 + 30 + 31 = 84 days.
    assert [(row[1], row[8], row[9], row[10]) for row in open_items] == [
        ("baoan", "2024-09-30", "已逾期", "已逾期8天"),
        ("jiaoyu", "2024-10-01", "已逾期", "已逾期7天"),
        ("jiaoyu", "2024-12-31", "未开始", "剩余84天"),
    ]
    assert len(_sheet(data, "整改台账")) == 4
    failures = {row[0]: row for row in _sheet(data, "无法读取")}
    assert set(failures) == {"broken", "empty", "weishen"}
    assert "broken/rectification.yaml:20:" in failures["broken"][3]
    assert "月份应为1到12，实际为13" in failures["broken"][3]
    assert failures["weishen"][2] == "未报送"


def test_a_deadline_in_a_holiday_is_named_with_its_notice(tmp_path):
    (tmp_path / "rectification.yaml").write_text(JIAOYU_RECTIFICATION, encoding="utf-8")
    rect = load_rectification(tmp_path)
    # 2024-10-01 is in 国庆节 (10-1…10-7, 国办发明电〔2023〕7号); 9-30 (Mon) is the last working day before, 10-8 the
    # first after. 2024-12-31 (Tue) is a working day: no warning.
    [warning] = rect.warnings
    assert (warning.code, warning.severity, warning.location.line) == ("cycle.deadline_holiday", Severity.WARNING, 4)
    assert "国庆节" in warning.message and "国办发明电〔2023〕7号" in warning.message
    assert "2024-09-30" in warning.message and "2024-10-08" in warning.message


def test_a_weekend_deadline_is_not_flagged():
    # 宝安's deadlines 2024-06-30 (a Sunday: “6月30日前” is how deadlines are written) and 2024-09-30 (Monday)
    assert load_rectification(BAOAN).warnings == ()


# ---------------------------------------------------------------- targets
def test_targets_of_a_bureau_findings_per_department(bureau, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["targets", str(bureau), "--out", str(out)]) == 1
    data = (out / "绩效目标审核汇总.xlsx").read_bytes()
    summary = {row[1]: row for row in _sheet(data, "部门汇总")}
    # baoan: 5 indicators, no finding (test_cycle), 优, approved 优. jiaoyu: 培训人次 lacks its unit, no 效益指标:
    # 2 warnings → 良 (up to 2 warnings).
    assert summary["baoan"][5:12] == ["5", "2,377.56", "0", "0", "优", "优", "是"]
    assert summary["jiaoyu"][5:12] == ["1", "1,000.00", "0", "2", "良", "", "否"]
    findings = _sheet(data, "审核发现")
    assert sorted(row[5] for row in findings) == ["targets.incomplete", "targets.level_missing"]
    assert any("jiaoyu/targets.yaml:7" in row[4] for row in findings)
    failures = {row[0]: row[2] for row in _sheet(data, "无法读取")}
    assert failures == {"broken": "未报送", "empty": "未报送", "weishen": "未报送"}


def test_an_empty_folder_is_refused_saying_so(tmp_path, capsys):
    assert main(["monitor", str(tmp_path)]) == 2
    assert "该文件夹是空的。找不到运行监控" in capsys.readouterr().err


# ---------------------------------------------------------------- errors of a department's files
def test_a_renamed_column_of_the_monitoring_workbook_is_named(tmp_path):
    path = tmp_path / "运行监控表.xlsx"
    _moved_workbook(path)
    book = load_workbook(path)
    book["运行监控"]["J7"] = "执行进度"  # the moved 累计执行率 renamed
    book["运行监控"]["C7"] = "执行数"  # and 累计执行数 too: no execution column is left
    book.save(path)
    with pytest.raises(JixiaoError) as err:
        load_monitoring(path)
    [column] = [p for p in err.value.problems if p.code == "cycle.column_missing"]
    assert str(column.location) == f"{path}[运行监控!A7]"
    assert "J7“执行进度”" in column.message and "累计执行率" in column.message


def test_an_unread_column_with_figures_is_a_warning(tmp_path):
    path = tmp_path / "运行监控表.xlsx"
    _moved_workbook(path)
    book = load_workbook(path)
    book["运行监控"]["K7"] = "备注"
    book["运行监控"]["K9"] = "下半年加快"
    book.save(path)
    mon = load_monitoring(path)
    assert [(p.code, str(p.location)) for p in mon.warnings] == [("cycle.column_unknown", f"{path}[运行监控!A7]")]
    assert "K7“备注”" in mon.warnings[0].message
    assert len(assess_monitoring(mon, dt.date(2024, 1, 15)).warnings) == 1  # the figures themselves all read


@pytest.mark.parametrize(
    ("typed", "why"),
    [("2024-13-01", "（月份应为1到12，实际为13）"), ("2023-02-29", "（2023年2月只有28天）"), ("七月十日", "")],
)
def test_a_wrong_date_says_why(tmp_path, typed, why):
    text = (BAOAN / "monitoring.yaml").read_text(encoding="utf-8").replace("date: 2023-07-10", f"date: {typed}")
    (tmp_path / "monitoring.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        load_monitoring(tmp_path)
    [problem] = err.value.problems
    assert problem.location.line == 15 and problem.location.field == "points[1].answer.date"
    assert problem.message == f"“答复日期”应为日期，如“2023-07-31”，实际为“{typed}”{why}。"


def test_a_chinese_date_is_read(tmp_path):
    text = (BAOAN / "monitoring.yaml").read_text(encoding="utf-8").replace("date: 2023-07-10", "date: 2023年7月10日")
    (tmp_path / "monitoring.yaml").write_text(text, encoding="utf-8")
    [warning] = assess_monitoring(load_monitoring(tmp_path), dt.date(2024, 1, 15)).warnings
    assert warning.answer is not None and warning.answer.date == dt.date(2023, 7, 10)


# ---------------------------------------------------------------- the department's workbook from the targets
def _target_rows(path: Path) -> list[tuple[str, ...]]:
    ws = load_workbook(path)["绩效指标"]
    rows = [tuple("" if v is None else str(v) for v in row[:9]) for row in ws.iter_rows(min_row=3, values_only=True)]
    return [row for row in rows if any(row)]


def test_template_takes_the_approved_targets(tmp_path, capsys):
    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    out = tmp_path / "填报模板.xlsx"
    assert main(["template", "--from", str(folder), "--out", str(out)]) == 0
    # data.yaml lists no target rows; the 5 approved indicators of targets.yaml become rows with their 年度指标值,
    # 实际完成值 (column I) left to fill. The operator “=” is written as itself (it was “'=”, refused when read back).
    rows = [(row[4], row[5], row[6], row[7], row[8]) for row in _target_rows(out)]
    assert rows == [
        ("区重点工作任务完成数", "≥", "4", "项", ""),
        ("纳入绩效目标管理的二级项目数", "=", "16", "个", ""),
        ("个案介入处置率", "≥", "95%", "%", ""),
        ("儿童友好基地建设", "", "推动儿童友好基地建设,拓展儿童室内外游戏和活动空间", "", ""),
        ("群众满意率", "≥", "90%", "%", ""),
    ]
    assert _target_rows(out)[0][:4] == ("部门整体", "", "产出指标", "数量指标")
    # the score is not changed by the template: rows the data does not list are not scored (97.61 as before), and
    # the workbook reads back and scores the same (its target rows have no 实际完成值 yet)
    capsys.readouterr()
    assert main(["score", str(folder)]) == 0
    assert "97.61" in capsys.readouterr().out
    assert main(["score", str(out)]) == 0
    assert "总分：97.61" in capsys.readouterr().out


def test_template_keeps_the_datas_own_rows_and_skips_unapproved_targets(tmp_path):
    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    data = (folder / "data.yaml").read_text(encoding="utf-8")
    row = "targets:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 群众满意率, actual: 96%}\n"
    (folder / "data.yaml").write_text(data + "\n" + row, encoding="utf-8")
    out = tmp_path / "填报模板.xlsx"
    assert main(["template", "--from", str(folder), "--out", str(out)]) == 0
    rows = _target_rows(out)
    # the data's own row first, its target filled from the approval (≥90%), its actual kept; then the other four
    others = ["区重点工作任务完成数", "纳入绩效目标管理的二级项目数", "个案介入处置率", "儿童友好基地建设"]
    assert [r[4] for r in rows] == ["群众满意率", *others]
    assert rows[0][5:9] == ("≥", "90%", "%", "96%")
    targets = (folder / "targets.yaml").read_text(encoding="utf-8").replace("approved: 是", "approved: 否")
    (folder / "targets.yaml").write_text(targets, encoding="utf-8")
    assert main(["template", "--from", str(folder), "--out", str(out)]) == 0
    assert [r[4] for r in _target_rows(out)] == ["群众满意率"]  # not approved: nothing taken over


def test_template_from_the_approved_targets_alone(tmp_path, capsys):
    folder = tmp_path / "new"
    folder.mkdir()
    shutil.copy(BAOAN / "targets.yaml", folder / "targets.yaml")
    out = tmp_path / "填报模板.xlsx"
    assert main(["template", "--from", str(folder), "--out", str(out)]) == 1
    assert "rulebook" in capsys.readouterr().err  # no data says which rulebook: --rulebook is asked for
    assert (
        main(["template", "--from", str(folder), "--rulebook", "shenzhen-baoan/department/2023", "--out", str(out)])
        == 0
    )
    assert len(_target_rows(out)) == 5
    info = {row[1]: row[2] for row in load_workbook(out)["基本信息"].iter_rows(values_only=True)}
    assert (info["部门名称 *"], info["评价年度 *"]) == ("深圳市宝安区妇女联合会", 2023)


# ---------------------------------------------------------------- results
def test_results_lists_each_folder_it_could_not_score_with_every_problem(bureau, tmp_path, capsys):
    out = tmp_path / "out"
    (bureau / "jiaoyu" / "data.yaml").write_text("department: {name: 某区教育局, year: 二〇二三}\n", encoding="utf-8")
    assert main(["results", str(bureau), "--out", str(out)]) == 0
    assert "进度 5/5" in capsys.readouterr().err  # the output folder "out" is skipped, as for the other steps
    book = load_workbook(out / "结果应用汇总.xlsx")
    rows = [[("" if v is None else str(v)) for v in row] for row in book.active.iter_rows(min_row=4, values_only=True)]
    # baoan 97.61 优 → 优先保障; the four others cannot be scored (broken, empty, weishen: no data; jiaoyu's year)
    assert [(r[0], r[3]) for r in rows] == [
        ("深圳市宝安区妇女联合会", "优先保障"),
        ("broken", "无法评分"),
        ("empty", "无法评分"),
        ("jiaoyu", "无法评分"),
        ("weishen", "无法评分"),
    ]
    failed = {row[0]: row for row in book["无法评分"].iter_rows(min_row=2, values_only=True)}
    assert set(failed) == {"broken", "empty", "jiaoyu", "weishen"}
    assert "jiaoyu/data.yaml:1" in failed["jiaoyu"][3] and "年" in failed["jiaoyu"][3]


def test_a_renamed_column_of_the_targets_workbook_is_named(tmp_path, capsys):
    from jixiao.cycle.targets import load_targets
    from jixiao.cycle.workbook_out import targets_workbook

    path = tmp_path / "绩效目标申报表.xlsx"
    path.write_bytes(targets_workbook(load_targets(BAOAN)))
    book = load_workbook(path)
    ws = book["绩效目标申报表"]
    assert ws["E12"].value == "指标值" and ws["H12"].value == "说明"  # the template's header row
    ws["H12"], ws["H13"] = "备注", "按上年实际"  # a note under a renamed 说明: read by no one
    book.save(path)
    [warning] = load_targets(path).warnings
    assert (warning.code, str(warning.location)) == ("cycle.column_unknown", f"{path}[绩效目标申报表!A12]")
    assert "H12“备注”" in warning.message
    assert main(["targets", str(path)]) == 0
    assert "H12“备注”（其下数据未读取）" in capsys.readouterr().out  # said by the command too
    ws["E12"] = "目标值"  # 指标值 renamed: every indicator would lose its value
    book.save(path)
    with pytest.raises(JixiaoError) as err:
        load_targets(path)
    [missing] = [p for p in err.value.problems if p.code == "cycle.column_missing"]
    assert "没有“指标值”列" in missing.message and "E12“目标值”" in missing.message


def test_a_department_folder_is_not_taken_for_a_bureau(tmp_path, capsys):
    # 宝安 without its monitoring.yaml still holds data.yaml and narrative/: the missing file is said, not a bureau
    # of one department called "narrative"
    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    (folder / "monitoring.yaml").unlink()
    assert main(["monitor", str(folder)]) == 2
    assert "找不到运行监控" in capsys.readouterr().err
    # a department whose data is a workbook (no data.yaml) with its narrative/, and no cycle file yet
    for name in ("data.yaml", "targets.yaml", "recheck.yaml", "rectification.yaml"):
        (folder / name).unlink()
    (folder / "填报表.xlsx").write_bytes(b"")
    assert main(["rectify", str(folder)]) == 2
    assert "找不到整改台账" in capsys.readouterr().err


def test_a_folder_or_file_that_cannot_be_opened_does_not_stop_the_run(bureau, monkeypatch):
    from jixiao.cycle import bureau as module

    real = module.step_file

    def step_file(folder: Path, step: str) -> Path:
        if folder.name == "broken":  # as a folder without read permission answers
            raise PermissionError(13, "Permission denied", str(folder))
        return real(folder, step)

    def one(path: Path):
        if path.parent.name == "jiaoyu":  # a file held open by another program
            raise OSError(5, "Input/output error", str(path))
        return monitor_one(dt.date(2023, 10, 20))(path)

    monkeypatch.setattr(module, "step_file", step_file)
    run = run_bureau(bureau, "monitor", one)
    assert [folder for folder, _result in run.done] == ["baoan", "weishen"]
    failed = {f.folder: f for f in run.failures}
    assert (failed["broken"].kind, failed["jiaoyu"].kind, failed["empty"].kind) == ("无法打开", "无法打开", "未报送")
    assert "无法打开该文件夹（Permission denied）" in failed["broken"].reasons[0]
    assert failed["jiaoyu"].file == "monitoring.yaml" and "Input/output error" in failed["jiaoyu"].reasons[0]


def test_targets_are_checked_though_the_data_beside_them_cannot_be_read(bureau, tmp_path, capsys):
    (bureau / "jiaoyu" / "data.yaml").write_text("department:\n  name: [\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["targets", str(bureau), "--out", str(out)]) == 1  # broken, empty, weishen: no targets
    data = (out / "绩效目标审核汇总.xlsx").read_bytes()
    summary = {row[1]: row for row in _sheet(data, "部门汇总")}
    assert summary["jiaoyu"][7:10] == ["0", "2", "良"]  # as before: the note does not count against the targets
    [note] = [row for row in _sheet(data, "审核发现") if row[5] == "targets.data_unread"]
    assert note[2] == "提示" and "jiaoyu/data.yaml:3" in note[3] and "未核对年度资金总额与年初预算" in note[3]
    assert "jiaoyu" not in {row[0] for row in _sheet(data, "无法读取")}
    capsys.readouterr()
    assert main(["targets", str(bureau / "jiaoyu")]) == 0  # one department: the same note, the targets checked
    assert "targets.data_unread" in capsys.readouterr().out


def test_another_years_targets_fill_nothing(tmp_path, capsys):
    from jixiao.pipeline import load_department

    folder = tmp_path / "baoan"
    shutil.copytree(BAOAN, folder)
    data = (folder / "data.yaml").read_text(encoding="utf-8").replace("  year: 2023\n", "  year: 2024\n", 1)
    (folder / "data.yaml").write_text(
        data + "targets:\n  - {level1: 满意度指标, name: 群众满意率, actual: 96%}\n", "utf-8"
    )
    # targets.yaml is 2023's, the data 2024's: the row keeps no 2023 target, and the template gets no 2023 rows
    loaded, problems = load_department(folder)
    assert loaded.get("targets[0].target") is None
    [note] = [p for p in problems if p.code == "targets.other_year"]
    assert note.severity is Severity.INFO and "targets.yaml）为2023年度，部门数据为2024年度" in note.message
    out = tmp_path / "填报模板.xlsx"
    assert main(["template", "--from", str(folder), "--out", str(out)]) == 0
    assert [r[4] for r in _target_rows(out)] == ["群众满意率"]
