"""The bare ceiling the registration rush is read against: a Flask app that does one locked insert per request.

Served by gunicorn with the same settings as the app (``registration_rush.py`` starts it); the same
database settings as the app (SQLite: WAL, busy timeout 10 s, synchronous NORMAL, BEGIN IMMEDIATE;
PostgreSQL: the event row locked FOR UPDATE). No forms, templates, rate limits or mail.
"""

import os

import sqlalchemy as sa
from flask import Flask, request

engine = sa.create_engine(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
SQLITE = engine.dialect.name == "sqlite"
tables = sa.MetaData()
event = sa.Table(
    "ceiling_event", tables, sa.Column("id", sa.Integer, primary_key=True), sa.Column("capacity", sa.Integer)
)
registration = sa.Table(
    "ceiling_registration",
    tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.ForeignKey("ceiling_event.id")),
    sa.Column("email", sa.String(254)),
    sa.Column("status", sa.String(16)),
    sa.UniqueConstraint("event_id", "email"),
    sa.Index("ix_ceiling", "event_id", "status"),
)

if SQLITE:

    @sa.event.listens_for(engine, "connect")
    def configure(connection, _record):
        connection.isolation_level = None  # BEGIN is ours
        for pragma in ("journal_mode=WAL", "busy_timeout=10000", "synchronous=NORMAL"):
            connection.execute(f"PRAGMA {pragma}")

    @sa.event.listens_for(engine, "begin")
    def write_lock(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


app = Flask(__name__)
app.get("/ping")(lambda: "pong")


@app.post("/register")
def register():
    with engine.begin() as connection:
        locked = sa.select(event.c.capacity).where(event.c.id == 1)
        capacity = connection.scalar(locked if SQLITE else locked.with_for_update())
        taken = connection.scalar(
            sa.select(sa.func.count()).where(registration.c.event_id == 1, registration.c.status == "confirmed")
        )
        status = "confirmed" if taken < capacity else "waitlisted"
        connection.execute(registration.insert().values(event_id=1, email=request.form["email"], status=status))
    return status, 201


def reset(capacity: int) -> None:
    tables.drop_all(engine)
    tables.create_all(engine)
    with engine.begin() as connection:
        connection.execute(event.insert().values(id=1, capacity=capacity))


def seated_and_rows() -> tuple[int, int, int]:
    """Seats taken, rows, and the capacity, to check the ceiling as strictly as the app."""
    with engine.connect() as connection:
        seated = connection.scalar(sa.select(sa.func.count()).where(registration.c.status == "confirmed"))
        rows = connection.scalar(sa.select(sa.func.count()).select_from(registration))
        return seated, rows, connection.scalar(sa.select(event.c.capacity))
