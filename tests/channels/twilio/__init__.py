"""Tests of hub/channels/twilio."""
