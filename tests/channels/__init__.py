"""Tests of hub/channels."""
