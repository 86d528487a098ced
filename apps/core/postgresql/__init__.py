"""Django's PostgreSQL backend, failing fast while the database is known to be down."""
