"""The Table Schema checks of the frictionless layer, vectorized: the same error codes, rows,
fields and messages as frictionless, computed on whole columns with polars.

`tokens` reads a CSV resource into raw cells as frictionless's reader would; `cells` reads them
through their fields (types and constraints); `rows` adds what spans a row or a table (blank
rows, unique, primary and foreign keys); `errors` turns the result into frictionless's error
objects, in frictionless's order, at most `limit` per code; `engine` runs one resource and
says when it cannot (the layer then lets frictionless itself check that table).
"""
