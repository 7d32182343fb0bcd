{{ stg_mentions(source('raw', 'rss__mentions')) }}
