"""Labs: extracted from the source model, checked offline, replayed on clusters."""
