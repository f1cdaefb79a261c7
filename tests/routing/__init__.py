"""Tests of hub/routing."""
