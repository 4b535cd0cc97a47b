"""Every format a bureau receives, brought to what the readers know: .doc/.wps/.xls/.et through LibreOffice
(office.py, also used for PDF output), OFD read from its XML pages — text, tables from their drawn rules or from
positions, a scanned page through OCR (ofd/) — and scanned PDF pages recognised offline (ocr.py)."""
