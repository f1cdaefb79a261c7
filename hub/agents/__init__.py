"""Agents: accounts and roles, their credentials, and the audit log of what they did."""
