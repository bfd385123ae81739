"""Delivering the curated tables to Snowflake, from the same Parquet files Athena reads.

``sql`` builds every statement (pure: the tables' columns and Snowflake types come from
``schemas.py``); ``loader`` runs the per-date, per-table transaction (DELETE the date, COPY its
partition, check the count against the build_tables report); ``reports`` reads those reports;
``connection`` opens a key-pair connection from the environment or a connections.toml profile;
``job`` is the Glue job of the workflow; ``local`` is the fakesnow stand-in used on a laptop and
in the tests. Nothing is imported here: ``job`` ships to Glue, ``local`` needs the dev extras.
"""
