"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from conference import create_app
from conference.site.collation import sort_key

app = create_app()
sort_key("")  # reads the Unicode table (half a second) as the worker starts, not in its first registrant's request
