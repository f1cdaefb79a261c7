"""Twilio SMS and voice: signed webhooks in, REST API out."""
