"""Web chat: the /chat page, the embeddable widget and the /visitor socket.io namespace."""
