"""Files in and out: the department's data as YAML or a workbook, and every file jixiao writes.

`guard` is the entrance every outside file passes (size, type, zip bombs, time and memory limits); `yamlsrc`
reads YAML with each value's line (`yaml_source`, `yaml_text_source`); `excel_in` reads a filled base-data
workbook (also .xls/.et through `jixiao.formats`) with each value's sheet!cell (`read_workbook_source`), streaming
each sheet once (`excel_cells`) and reading each kind of sheet (`excel_sheets`); both readers give a
`model.dataset.SourceTree`, and `department.read_department` picks the reader for a path; `excel_layout` and
`template` describe and write that workbook; `serialize` writes a department back to canonical YAML; `fileio`
writes atomically so a failed write never replaces a good file.
"""
