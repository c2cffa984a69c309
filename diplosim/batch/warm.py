"""Preloaded by the forkserver that local worker processes are forked from (see diplosim.batch.executors):
importing it loads the engine and its compiled loops, once, by playing one short game, so every
worker forked afterwards starts its first chunk at full speed.
"""

from diplosim.batch.worker import warm_up

warm_up()
