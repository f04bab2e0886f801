"""Shared column types, and the one way to check and write under a lock."""

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, Self, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.types import TypeDecorator

from conference.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant in time: stored as UTC, always returned timezone-aware.

    SQLite keeps no offset, so a naive value read back is UTC by construction.
    Naive values are refused on the way in, because their zone would be a guess.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: attach a time zone before storing")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translatable label: ``CONFERENCE = "conference", _l("Conference")``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:  # a lookup, EventKind("seminar"), passes no label
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def str_enum(enum_class: type[enum.Enum]) -> sa.Enum:
    """Store an enum by its value in a plain VARCHAR, so new members need no type migration."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


@contextmanager
def write_transaction(savepoint: bool = False) -> Iterator[None]:
    """A transaction that may write: one unit of work, committed at the end, rolled back on any exception.

    Re-entrant: inside another ``write_transaction`` it joins that one, so a use case made of several
    steps commits once or not at all; with ``savepoint`` a step that may fail on its own rolls back
    just itself. On SQLite the outermost one starts with the write lock (``BEGIN IMMEDIATE``, see
    ``create_app``): a transaction that reads first and writes later cannot wait for the lock and
    fails with "database is locked" under load. Reads done before it are ended first; a change made before it,
    outside any unit of work, is an error (``ChangedOutside``) rather than committed with it unseen.
    """
    depth = db.session.info.get(DEPTH, 0)
    if not depth and _changed_outside():
        raise ChangedOutside("a change was made outside a write_transaction; make it inside one")
    db.session.info[DEPTH] = depth + 1
    try:
        if depth:
            with db.session.begin_nested() if savepoint else nullcontext():
                yield
            return
        db.session.commit()  # ends the reads, keeping what they loaded; there is nothing to write (checked above)
        db.session.connection(execution_options={"write_lock": True})
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            db.session.info.pop(AFTER_COMMIT, None)
            raise
    finally:
        db.session.info[DEPTH] = depth
        if not depth:
            db.session.info.pop(SHARED, None)
    for callback in db.session.info.pop(AFTER_COMMIT, []):
        callback()


DEPTH = "write_transaction_depth"
AFTER_COMMIT = "after_commit_callbacks"
SHARED = "shared_by_the_transaction"
WRITTEN_OUTSIDE = "written_outside_a_write_transaction"


class ChangedOutside(RuntimeError):
    """A programming error: a change made outside a unit of work would otherwise be committed by the next one."""


def _changed_outside() -> bool:
    session = db.session
    return bool(
        session.new
        or session.deleted
        or any(session.is_modified(instance) for instance in session.dirty)
        or session.info.get(WRITTEN_OUTSIDE)
    )


@sa.event.listens_for(db.session, "after_flush")
def _note_a_flush_outside(session: Session, _context: object) -> None:
    if not session.info.get(DEPTH):
        session.info[WRITTEN_OUTSIDE] = True


@sa.event.listens_for(db.session, "do_orm_execute")
def _note_a_statement_outside(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and not state.session.info.get(DEPTH):
        state.session.info[WRITTEN_OUTSIDE] = True


@sa.event.listens_for(db.session, "after_commit")
@sa.event.listens_for(db.session, "after_soft_rollback")
def _forget_what_was_written_outside(session: Session, *_transaction: object) -> None:
    session.info.pop(WRITTEN_OUTSIDE, None)


def after_commit(callback: Callable[[], object]) -> None:
    """Call ``callback`` once the enclosing ``write_transaction`` has committed; never if it rolls back."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


def shared_by_the_transaction() -> dict[str, Any]:
    """What the steps of the enclosing ``write_transaction`` share (the one task that delivers the mails they
    queue); empty at its start, gone at its end, committed or not."""
    shared: dict[str, Any] = db.session.info.setdefault(SHARED, {})
    return shared


def rows_changed(statement: sa.Update | sa.Delete) -> int:
    """Run an UPDATE or DELETE in the current transaction; returns how many rows it changed."""
    return cast(sa.CursorResult[Any], db.session.execute(statement)).rowcount


def forget_old_pages() -> None:
    """After deleting personal data: SQLite's write-ahead log still holds the old pages until a checkpoint."""
    if db.engine.dialect.name == "sqlite":
        db.session.commit()
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()


def table_of(model: type) -> sa.Table:
    """The table of a model. A statement that runs for every registration or public page is built once
    (``functools.cache``) with bound parameters: the ORM takes longer to build a short statement, and to key it for
    its cache of compiled ones, than the database takes to run it. An INSERT or UPDATE is built on the table, as
    the ORM makes one on a model anew at each run."""
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


Row = TypeVar("Row")


@contextmanager
def row_locked(model: type[Row], ident: int) -> Iterator[Row]:
    """A write transaction in which nobody else writes ``model`` row ``ident`` until it commits.

    PostgreSQL locks the row (``SELECT … FOR UPDATE``); SQLite's write lock covers the whole
    database. Yields the row, freshly read (NoResultFound if there is none).
    """
    with write_transaction():
        yield db.session.get_one(model, ident, with_for_update=True, populate_existing=True)
