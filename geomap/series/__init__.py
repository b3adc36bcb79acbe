"""Series of frames: planning (dates, names, manifest) and running (local workers and Dask)."""
