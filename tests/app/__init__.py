"""Tests of the composition root, the CLI, settings, start-up and packaging."""
