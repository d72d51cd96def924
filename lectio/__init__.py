"""Lectio: a self-hosted platform for asynchronous, self-paced and mandatory training."""
