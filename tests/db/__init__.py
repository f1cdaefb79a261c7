"""Tests of hub/db."""
