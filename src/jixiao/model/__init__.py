"""The data model: a department's base data and what can be said about it before any rulebook is applied.

`schema` declares every field; `dataset` parses a reader's raw tree (`SourceTree`: from YAML or a workbook, with
each value's place) into `DepartmentData` (`parse_source`, `parse_department`); `numbers` parses money, rates and
counts as Decimal; `reading` labels fields and reads figures for a trace (`Reader`, `Missing`, `Undefined`);
`indicators` computes the derived indicator values (执行率, 完成率...); `checks` finds inconsistencies in the data;
`problems` is the error-as-value type that every layer reports with (file, sheet, cell or line, what was expected,
how to fix it). `docgen` writes the reference docs from these declarations. No file is read here and no other
layer is imported (the input limits of `files.guard` aside).
"""
