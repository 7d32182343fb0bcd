{{ stg_mention_counts(source('raw', 'youtube__mention_counts')) }}
