"""AWS Glue entry script: build the album, artist, song and playlist tables of one snapshot date,
check them, publish them and register their partitions in the Glue Data Catalog.

Arguments: --lake_path, optional --snapshot_date and --catalog_database.
"""

from spotify_etl.jobs import BUILD_TABLES
from spotify_etl.jobs.build_tables import run
from spotify_etl.jobs.entry import run_glue_job

if __name__ == "__main__":
    run_glue_job(BUILD_TABLES, run)
