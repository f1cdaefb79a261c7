"""Customers: profiles, identities and the history timeline."""
