"""AWS Glue entry script: load the snapshot dates build_tables has just published into Snowflake
(album, artist, song, playlist), one checked transaction per table and date.

Arguments: --lake_path, --snowflake_account, --snowflake_user, --snowflake_role,
--snowflake_warehouse, --snowflake_database, --snowflake_schema, --private_key_secret (a Secrets
Manager secret id), optional --snapshot_date (inside the workflow: the run property).
Created by terraform/snowflake only; docs/snowflake.md.
"""

from spotify_etl.snowflake.job import main

if __name__ == "__main__":
    main()
