"""The county center: receives stations' batches, keeps their records, reports on them.

Nothing heavy is imported here: FastAPI, uvicorn and SQLAlchemy load only when a command
or the server needs them, so ``import sync`` stays light for the station's cron job.
"""
