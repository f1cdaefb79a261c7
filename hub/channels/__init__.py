"""Channel adapters: each turns provider traffic into envelopes and sends outbound messages."""
