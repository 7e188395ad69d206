"""PDF and workbook reports (reportlab / openpyxl imported lazily inside functions)."""
