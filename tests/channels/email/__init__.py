"""Tests of hub/channels/email."""
