"""Command-line adapter: turns user words (places, names, km, degrees) into calls of the core."""
