"""Publishing the directory: open-data CSV, GeoJSON, Excel and the printable booklet.

`scope.ExportScope` says what is exported; each module renders one format from it:
`opendata` (自治体標準オープンデータセット CSV), `geojson`, `excel`, `booklet` (PDF). `responses` wraps
them in HTTP responses with good file names, for the staff exports page and the public portal.
"""
