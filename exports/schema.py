"""Every description of the record, generated from ``FIELDS``: JSON Schema, Frictionless table schema,
Arrow/Parquet schema, the Markdown field table of the READMEs, and pandas loading hints.

``python -m exports.schema`` prints the Markdown table (paste it in README.md) or, with ``--json-schema``,
the JSON Schema.
"""

from __future__ import annotations

import json
import re
import sys

from .records import FIELDS, SCHEMA_VERSION, Field

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "datetime": "string",
    "object": "object",
}


def _json_property(field: Field) -> dict:
    prop: dict = {"description": field.description}
    base = _JSON_TYPES[field.type]
    prop["type"] = [base, "null"] if field.nullable else base
    if field.type == "datetime":
        prop["format"] = "date-time"
    if field.format and field.type == "string":
        prop["format"] = field.format
    if field.type == "object":
        values: dict = {"type": "string"}
        if field.format:
            values["format"] = field.format
        prop["additionalProperties"] = values
    if field.enum:
        prop["enum"] = [*field.enum, None] if field.nullable else list(field.enum)
    if field.pattern:
        prop["pattern"] = field.pattern
    if field.minimum is not None:
        prop["minimum"] = field.minimum
    if field.maximum is not None:
        prop["maximum"] = field.maximum
    return prop


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of one exported record (the JSON form)."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "cess-archive record",
        "description": (
            "One version of one archived page of the Centre Européen de Sécurité et de Stratégie "
            "(and related sources), as exported by cess-archive. Dates are ISO 8601 in UTC."
        ),
        "schema_version": SCHEMA_VERSION,
        "type": "object",
        "properties": {field.name: _json_property(field) for field in FIELDS},
        "required": [field.name for field in FIELDS],
        "additionalProperties": False,
    }


_TABLE_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "datetime": "datetime",
    "object": "object",
}


def table_schema() -> dict:
    """The Frictionless Table Schema of the record (used in ``datapackage.json``)."""
    fields = []
    for field in FIELDS:
        entry: dict = {"name": field.name, "type": _TABLE_TYPES[field.type], "description": field.description}
        if field.format == "uri" and field.type == "string":
            entry["format"] = "uri"
        constraints: dict = {}
        if not field.nullable:
            constraints["required"] = True
        if field.enum:
            constraints["enum"] = list(field.enum)
        if field.pattern:
            constraints["pattern"] = field.pattern
        if field.minimum is not None:
            constraints["minimum"] = field.minimum
        if field.maximum is not None:
            constraints["maximum"] = field.maximum
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    return {"fields": fields, "primaryKey": ["url", "version"], "missingValues": [""]}


def arrow_schema():
    """The Arrow schema of the Parquet files: typed columns, timestamps in UTC, objects as JSON text."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "datetime": pa.timestamp("us", tz="UTC"),
        "object": pa.string(),
    }
    fields = []
    for field in FIELDS:
        metadata = {"description": field.description}
        if field.type == "object":
            metadata["encoding"] = "json"
        fields.append(pa.field(field.name, types[field.type], nullable=field.nullable, metadata=metadata))
    return pa.schema(
        fields,
        metadata={
            "cess_archive.schema_version": SCHEMA_VERSION,
            "cess_archive.record_schema": json.dumps(json_schema(), ensure_ascii=False),
        },
    )


_PANDAS_DTYPES = {"string": "str", "integer": "int64", "number": "float64", "boolean": "bool", "datetime": "str"}


def pandas_dtypes() -> dict[str, str]:
    """The dtypes that give pandas the record's types when it reads JSON lines or CSV (datetimes are then
    parsed with ``pd.to_datetime``; objects are left as they come)."""
    return {field.name: _PANDAS_DTYPES[field.type] for field in FIELDS if field.type in _PANDAS_DTYPES}


def _markdown(text: str) -> str:
    """Quoted values and HTML in a description are set as code."""
    return re.sub(r'("[^"]*"|<[^>]+>)', r"`\1`", text)


def type_label(field: Field) -> str:
    return f"{field.type} or null" if field.nullable else field.type


def markdown_field_table() -> str:
    """The Markdown table of the record's fields, as README.md and the dataset README show it."""
    lines = ["| field | type | description |", "|---|---|---|"]
    lines += [f"| `{field.name}` | {type_label(field)} | {_markdown(field.description)} |" for field in FIELDS]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--json-schema" in args:
        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(markdown_field_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
