"""Tests of hub/channels/webchat."""
