"""What a station prints and hands up: the 台账 (ledger.py, written as docx and xlsx)."""
