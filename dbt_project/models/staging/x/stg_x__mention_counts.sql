{{ stg_mention_counts(source('raw', 'x__mention_counts')) }}
