"""Registering the curated tables' partitions: in the Glue Data Catalog on AWS, in DuckDB locally.

The submodules are imported on their own (``spotify_etl.catalog.glue_catalog`` ships to Glue and
needs only boto3; ``spotify_etl.catalog.local_catalog`` needs DuckDB), so nothing is imported here.
"""
