"""What the station prints and hands up: ledgers, lists for the notice board, exports.

Headless (no Textual); the heavy writers (openpyxl, python-docx) are imported inside the
functions that use them, never when a module here is imported.
"""
