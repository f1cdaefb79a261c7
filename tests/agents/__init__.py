"""Tests of hub/agents."""
