"""Preloaded by the forkserver that local worker processes are forked from (see diplosim.batch.executors):
importing it loads the engine and its compiled loops, once, by playing one short game, so every
worker forked afterwards starts its first chunk at full speed.
"""

import gc

from diplosim.batch.worker import warm_up

warm_up()
# A forked worker shares this process's objects until it writes to them, and the garbage collector's
# full passes write to every object they visit: frozen, they are never visited (~0.1 s less on a
# worker's first chunk, copying this process's heap page by page).
gc.freeze()
