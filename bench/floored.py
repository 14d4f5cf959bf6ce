"""The mall as `make run` serves it, with bench.profile_pages' two bench-only pages
(`/bench/frame`, `/bench/layout`), to time what any member page costs served before its own
work, against bench/hello.py served the same way:

    DATABASE_URL=sqlite:///bench/data/run.sqlite3 gunicorn --workers 2 bench.floored:app
"""
from bench.profile_pages import floors
from wsgi import app

floors(app)
