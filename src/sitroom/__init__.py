"""sitroom: keep watch over the messages coming out of a war or a disaster."""

__version__ = "0.1.0"
