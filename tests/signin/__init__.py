"""Tests of hub/signin."""
