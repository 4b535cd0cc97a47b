"""The web app: departments fill in, bureaus review, on a real database. Thin: pages call the core."""
