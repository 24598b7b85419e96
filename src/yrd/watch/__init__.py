"""The observatory: sources polled on their schedule (``sources``, ``polite``, ``poll``, ``run``), watchlists and
their alerts (``alerts``), and what is new (``digest``). Above the store and the ingest; below the CLI and API."""
