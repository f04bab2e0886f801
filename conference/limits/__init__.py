"""Rate limits kept in the database, so every application server counts the same requests."""
