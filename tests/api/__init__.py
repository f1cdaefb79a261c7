"""Tests of hub/api."""
