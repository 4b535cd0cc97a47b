"""The budget year around the self-evaluation: 绩效目标, 运行监控, the bureau's 复核, 整改 and 结果应用.

A department folder may hold, beside `data.yaml`: `targets.yaml` (绩效目标申报表), `monitoring.yaml` (运行监控
points), `recheck.yaml` (the bureau's 复核 of the self-evaluation) and `rectification.yaml` (整改台账). Each step
reads its file with places, checks it against a cycle ruleset (thresholds and rules as data, with their source),
and writes the official table. Public names, imported from their modules (nothing is imported here, so that
`jixiao --help`, which registers the cycle's commands through `cycle.cli`, stays light): `ruleset.load_ruleset`,
`ruleset.available_rulesets` (cycle rules); `targets.load_targets`, `targets.check_targets` (绩效目标申报表 and its
quality checks); `monitoring.load_monitoring`, `monitoring.assess_monitoring` (运行监控 warnings);
`recheck.load_recheck`, `recheck.compare_recheck` (复核 beside the self-score); `rectify.load_rectification`,
`rectify.rectification_status`, `rectify.budget_action` (整改 and 结果应用); `workbook`, `outputs` (the Excel and
Word tables); `bureau.run_bureau`, `bureau_out.bureau_xlsx` (a step across a bureau's departments, its workbook);
`template_data.template_source` (the department's fill-in workbook with the approved targets); `cli` (the
`jixiao targets|monitor|recheck|rectify|results` commands).
"""
