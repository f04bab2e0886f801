"""Background work that survives a restart: a queue of tasks in the database, run by a thread of
each web process (needs no extra server), by ``flask --app conference worker``, or through RQ
when ``REDIS_URL`` is set."""
