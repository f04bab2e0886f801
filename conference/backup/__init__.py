"""Backups of the database and the uploaded files, and restoring them."""
