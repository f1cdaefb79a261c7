"""Email: inbound SMTP (aiosmtpd) and IMAP polling, threaded replies out through an SMTP relay."""
