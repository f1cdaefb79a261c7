"""The agent console: login, ticket list and ticket view, live over socket.io /agent."""
