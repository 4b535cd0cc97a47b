"""The data model: a department's base data and what can be said about it before any rulebook is applied.

`schema` declares every field; `dataset` parses a raw tree (from YAML or a workbook) into `DepartmentData` with
each value's place; `numbers` parses money, rates and counts as Decimal; `indicators` computes the indicator
values (执行率, 完成率...); `checks` finds inconsistencies in the data; `problems` is the error-as-value type that
every layer reports with (file, sheet, cell or line, what was expected, how to fix it). `docgen` writes the
reference docs from these declarations. No I/O beyond reading the department's own files; no document libraries.
"""
