"""`coursekit serve`: build, watch, rebuild what changed, and tell open decks to refresh."""
