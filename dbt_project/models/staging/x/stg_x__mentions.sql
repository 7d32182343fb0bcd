{{ stg_mentions(source('raw', 'x__mentions')) }}
