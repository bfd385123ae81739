"""AWS Glue entry script: normalise one snapshot date of raw playlist snapshots into staged items.

Arguments: --raw_path, --lake_path, optional --snapshot_date (inside the workflow, the run
properties set by the extract Lambda win; with neither, today's UTC date).
"""

from spotify_etl.jobs import NORMALIZE_ITEMS
from spotify_etl.jobs.entry import run_glue_job
from spotify_etl.jobs.normalize_items import run

if __name__ == "__main__":
    run_glue_job(NORMALIZE_ITEMS, run)
