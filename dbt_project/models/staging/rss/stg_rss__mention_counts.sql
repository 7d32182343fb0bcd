{{ stg_mention_counts(source('raw', 'rss__mention_counts')) }}
