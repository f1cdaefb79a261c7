"""WeChat Official Account channel: signed (and AES-encrypted) pushes in, customer-service messages out."""
