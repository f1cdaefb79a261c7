"""Tests of hub/agent_console."""
