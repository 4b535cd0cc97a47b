"""A bureau's batch: every department in a folder scored, reported and reviewed, with a ranking workbook.

`run` does it in one machine's processes with a progress bar and a failure list; `queue` splits a province's
batch into per-department tasks for huey workers on Redis, so several machines can share it.
"""
