"""The report: from an evaluation to 自评报告.docx / .pdf / .html / .md and the attachment workbook 附件表.xlsx.

`content.build_document` walks the rulebook's outline (`outline`, `outlines/*.yaml`) and fills each section from
the narrative (`narrative`), the generated paragraphs (`paragraphs`, `figures`), the tables (`tables`,
`mof_tables`) and charts (`charts`), into a renderer-neutral `document.Document`; `docx_out`, `html_out`,
`md_out` and `xlsx_out` render it, `odt_out` writes it as Flat ODT, which `pdf` prints through LibreOffice.
Public names, in `report.write`: `write_report` (every format into a folder, staged so a failed run leaves no
half report), `render_all` (the formats in memory), `FORMATS`, `ReportResult`.
"""
