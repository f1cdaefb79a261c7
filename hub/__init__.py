"""hub: an omnichannel contact-center hub."""

__version__ = "0.1.0"
