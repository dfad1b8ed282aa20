"""Reading indicator values from the files staff already have (e-Stat, 見える化, KDB, own surveys).

`cells.py` reads numbers and periods as statistics tables write them, `areas.py` finds the nation, a
prefecture or a municipality from a code or a name, `layouts.py` turns a whole file into observations
(area, period, measure → cell) and the built-in mappings into values of definitions. Files are read through
`renkei.core.files` (encodings, CSV/TSV/Excel, upload limits), never through the directory.
"""
