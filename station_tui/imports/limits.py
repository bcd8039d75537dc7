"""How much one import file may hold.

Far above what a village writes in years (a busy station records a few hundred lectures and
activities a year and has a few thousand people), and low enough that a damaged or hostile
file is refused in seconds and a few dozen megabytes instead of filling the memory of an old
PC. docs/import-formats.md lists them with what was measured.
"""

from __future__ import annotations

#: Size of the file itself.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Records (non-empty rows after the header) in one file.
MAX_ROWS = 20_000
#: Cells read from a row; the header has at most 10, the rest is only looked at to say
#: that it is there.
MAX_COLUMNS = 64
#: Characters in one cell; the longest field (a summary) allows 4,000.
MAX_CELL_CHARS = 5_000
#: Characters in one CSV record, line breaks inside quotes included.
MAX_ROW_CHARS = 256 * 1024
#: An .xlsx is a zip: the uncompressed size of its sheet and of all its parts. A 20,000-row
#: sheet is about 5 MB of XML.
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 160 * 1024 * 1024
#: Problems listed in a failed import; the rest are counted.
MAX_LISTED_PROBLEMS = 200
