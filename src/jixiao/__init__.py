"""jixiao (绩效): budget performance self-evaluation for Chinese government departments and their finance bureaus.

The package is layered; dependencies point one way (docs/architecture.md draws it):

- `jixiao.model`: the department's data (schema, parsing, numbers, indicators, consistency checks, problems);
- `jixiao.scoring`: rulebooks (YAML), the rule kinds, the engine and its traces, explanations;
- `jixiao.files`: reading and writing files (YAML, workbooks in and out, templates, atomic writes, input limits);
- `jixiao.report`, `jixiao.render`: the self-evaluation report and its attachment tables, PDF;
- `jixiao.review`, `jixiao.formats`: review of reports written elsewhere, in every format a bureau receives;
- `jixiao.cycle`: the rest of the year (targets, monitoring, 复核, 整改, 结果应用);
- `jixiao.batch`: a bureau's folder of departments, in one process or across workers;
- `jixiao.web`: the web app; `jixiao.cli` and `jixiao.pipeline` at the top.

Nothing is imported here: `import jixiao` stays cheap, and each command loads only what it uses.
"""
