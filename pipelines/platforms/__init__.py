"""Platform clients. The catalog (`pipelines.platforms.catalog`) lists them; each has one module here."""
