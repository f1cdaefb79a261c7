"""Routing: customer tiers, queues and (later) skill-based assignment."""
