"""Tests of hub/tickets."""
