"""Tests of hub/customers."""
