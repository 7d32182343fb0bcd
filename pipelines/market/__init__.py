"""Market intelligence: competitor profiles, brand mentions and trend sources, keyword matching, feed parsing."""
