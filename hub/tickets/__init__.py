"""The ticket domain: inbound contacts, threading and states, agents' actions, the read side and delivery."""
