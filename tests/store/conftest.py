"""Store fixtures (store_url, pg_server, new_pg_db) live in tests/conftest.py, shared with the API tests."""
