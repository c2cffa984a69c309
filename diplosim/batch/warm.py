"""Preloaded by the forkserver that local worker processes (and a Dask LocalCluster's) are forked
from, see diplosim.batch.executors: importing it loads the engine and its compiled loops once, by
playing a turn of the built-in scenario, so every worker forked afterwards plays its first chunk at
full speed.
"""

import gc

from diplosim.batch.worker import warm_up

warm_up()
# A forked worker shares this process's objects until it writes to them, and the garbage collector's
# full passes write to every object they visit, copying this heap page by page: frozen, they are
# never visited (a Dask worker's first chunk of 2,048 games took ~0.1 s longer without).
gc.freeze()
