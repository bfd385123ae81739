"""Recorded Spotify Web API responses (see tools/make_sample_api.py)."""
