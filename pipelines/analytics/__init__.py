"""Web analytics of the own brands' sites: the Google Analytics 4 source (ga4.py), its catalogue, and the pure UTM
parsing of post links (utm.py) that ties the site's sessions to the posts that brought them.

Not a social platform and not market intelligence about others: first-party data of the own site, with its own
credential, its own day (the property's time zone) and its own tables (pipelines/contracts/analytics.py). It reuses
the source machinery of the market sources (`MarketSource`: sessions with retries and redaction, credentials,
stats, the ingest factory), so nothing of the HTTP handling is duplicated.
"""
