"""Background work that survives a restart: one table of tasks in the database with one lease, run by a thread of
each web process (needs no extra server) or by ``flask --app conference worker``; Redis, when set, only wakes it."""
