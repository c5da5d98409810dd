"""Batches: finding inputs, running them in worker processes, writing outputs safely."""
