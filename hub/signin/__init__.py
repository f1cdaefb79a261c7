"""Signing in: attempt counters, password checks off the event loop, and the second factor."""
