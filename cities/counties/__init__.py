"""U.S. states and county equivalents as jurisdictions, from the Census boundaries in
cities/data/counties-10m.json: `census` reads and names them, `importer` writes them,
`topojson` does the geometry. The management command is import_counties.
"""

from .census import AreaRow, AtlasError, atlas_rows, census_name
from .importer import CountyImportReport, jurisdictions_import_counties

__all__ = [
    "AreaRow",
    "AtlasError",
    "CountyImportReport",
    "atlas_rows",
    "census_name",
    "jurisdictions_import_counties",
]
