"""Text as a voice should say it."""
