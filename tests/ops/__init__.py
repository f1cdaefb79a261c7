"""Tests of hub/ops."""
