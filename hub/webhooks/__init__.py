"""Outbound webhooks: signed HTTP posts of hub events to the URLs admins register."""
