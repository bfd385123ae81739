"""The schema module's own declarations agree with each other."""

from __future__ import annotations

import pytest
from pyspark.sql.types import StringType

from spotify_etl.schemas import TABLE_KEYS, TABLE_PLAIN_COLUMNS, TABLES


@pytest.mark.parametrize("table", sorted(TABLE_PLAIN_COLUMNS))
def test_plain_columns_are_string_columns_of_their_table_and_not_its_key(table):
    types = {field.name: field.dataType for field in TABLES[table].fields}
    for column in TABLE_PLAIN_COLUMNS[table]:
        assert isinstance(types.get(column), StringType), f"{table}.{column} is not a string column"
        assert column not in TABLE_KEYS[table], f"{table}.{column} is a key: sorted keys repeat"
