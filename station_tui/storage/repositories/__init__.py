"""Repositories: take and return domain models; the only place with SQL for records."""
